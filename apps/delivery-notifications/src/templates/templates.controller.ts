import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { queryRows } from '../rows';
import { ANY_PRODUCT, TemplateBook } from './template-book';
import { LOCALES, PREVIEW_VALUES, renderEmail, renderSms, TEMPLATE_VARIABLES, validateTemplate, type Locale, type TemplateChannel } from './template-language';

const PRODUCT_ID = /^(\*|[A-Za-z0-9._:-]{1,128})$/;
const Channel = z.enum(['email', 'sms'], { message: 'templates exist for email and sms' });
const LocaleSchema = z.enum(['zh-CN', 'en'], { message: 'locale is zh-CN or en' });
const TemplateBody = z.object({ subject: z.string().max(300).nullable().optional(), body: z.string().max(20_000) });
const PreviewBody = z.object({
  productId: z.string().regex(PRODUCT_ID).default(ANY_PRODUCT),
  channel: Channel,
  locale: LocaleSchema,
  subject: z.string().max(300).nullable().optional(),
  body: z.string().max(20_000).optional(),
});

function key(productId: string, channel: string, locale: string): { productId: string; channel: TemplateChannel; locale: Locale } {
  const problems: string[] = [];
  if (!PRODUCT_ID.test(productId)) problems.push('productId: 1-128 letters, digits, dot, colon, underscore or dash, or * for every product');
  const c = Channel.safeParse(channel);
  if (!c.success) problems.push(`channel: ${c.error.issues[0].message}`);
  const l = LocaleSchema.safeParse(locale);
  if (!l.success) problems.push(`locale: ${l.error.issues[0].message}`);
  if (problems.length) throw new BadRequestException(problems);
  return { productId, channel: channel as TemplateChannel, locale: locale as Locale };
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
  return parsed.data;
}

/** Message templates per product (or `*`), channel and language; saved only when every variable is known. */
@Controller('templates')
@RequireScopes('delivery:admin')
export class TemplatesController {
  constructor(
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(TemplateBook) private readonly book: TemplateBook,
  ) {}

  @Get()
  async list() {
    const rows = await this.unitOfWork.run((m) =>
      queryRows<{ product_id: string; channel: string; locale: string; subject: string | null; body: string; updated_by: string; updated_at: Date }>(
        m,
        'SELECT * FROM message_templates ORDER BY product_id, channel, locale',
      ),
    );
    return {
      variables: TEMPLATE_VARIABLES,
      locales: LOCALES,
      items: rows.map((r) => ({ productId: r.product_id, channel: r.channel, locale: r.locale, subject: r.subject, body: r.body, updatedBy: r.updated_by, updatedAt: r.updated_at.toISOString() })),
    };
  }

  /** The wording a message would use now, and where it comes from. */
  @Get(':productId/:channel/:locale')
  async get(@Param('productId') productId: string, @Param('channel') channel: string, @Param('locale') locale: string) {
    const k = key(productId, channel, locale);
    return { ...k, ...(await this.book.resolve(k.productId, k.channel, k.locale)) };
  }

  @Put(':productId/:channel/:locale')
  async save(
    @Param('productId') productId: string,
    @Param('channel') channel: string,
    @Param('locale') locale: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ) {
    const k = key(productId, channel, locale);
    const template = parseBody(TemplateBody, body);
    const text = { subject: template.subject ?? null, body: template.body };
    const problems = validateTemplate(k.channel, text);
    if (problems.length) throw new BadRequestException(problems);
    await this.unitOfWork.run((m) =>
      m.query(
        `INSERT INTO message_templates (product_id, channel, locale, subject, body, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (product_id, channel, locale) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [k.productId, k.channel, k.locale, text.subject, text.body, who.name],
      ),
    );
    return { ...k, ...text, updatedBy: who.name };
  }

  @Delete(':productId/:channel/:locale')
  @HttpCode(204)
  async remove(@Param('productId') productId: string, @Param('channel') channel: string, @Param('locale') locale: string): Promise<void> {
    const k = key(productId, channel, locale);
    const deleted = await this.unitOfWork.run((m) =>
      queryRows(m, 'DELETE FROM message_templates WHERE product_id = $1 AND channel = $2 AND locale = $3 RETURNING 1', [k.productId, k.channel, k.locale]),
    );
    if (deleted.length === 0) throw new NotFoundException(`no ${k.channel} template in ${k.locale} for ${k.productId}`);
  }

  /** Renders a template (the given text, or the one in use) with sample values; never with real cards. */
  @Post('preview')
  @HttpCode(200)
  async preview(@Body() body: unknown) {
    const request = parseBody(PreviewBody, body);
    const text =
      request.body === undefined
        ? await this.book.resolve(request.productId, request.channel, request.locale)
        : { subject: request.subject ?? null, body: request.body };
    const problems = validateTemplate(request.channel, text);
    if (problems.length) throw new BadRequestException(problems);
    if (request.channel === 'sms') return { channel: 'sms', text: renderSms(text, PREVIEW_VALUES, request.locale) };
    return { channel: 'email', ...renderEmail(text, PREVIEW_VALUES, request.locale) };
  }
}
