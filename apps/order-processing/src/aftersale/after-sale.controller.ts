import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { CaseStore } from './case-store';
import { CASE_STATES } from './domain/after-sale-case';
import { AfterSaleService } from './after-sale.service';
import type { AfterSaleAuditRecord } from './after-sale.entities';

const strict = { error: (issue: { code: string; keys?: string[] }) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys?.join(', ')}` : undefined) };

const ListQuery = z.strictObject(
  {
    state: z
      .string()
      .transform((text) => text.split(',').map((s) => s.trim().toLowerCase()))
      .pipe(z.array(z.enum(CASE_STATES, { message: `expected one or more of ${CASE_STATES.join(', ')} (comma-separated)` })))
      .optional(),
    orderId: z.uuid({ message: 'expected the order id (a UUID)' }).optional(),
    limit: z.coerce.number({ message: 'expected a number' }).int().min(1, 'at least 1').max(200, 'at most 200').default(50),
    offset: z.coerce.number({ message: 'expected a number' }).int().min(0, 'at least 0').default(0),
  },
  strict,
);

const Decision = z.strictObject({ reason: z.string({ message: 'a reason is required' }).trim().min(1, 'a reason is required').max(300, 'at most 300 characters') }, strict);

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new BadRequestException(result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : what}: ${i.message}`).join('; '));
}

const caseId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('case id must be a UUID') });

function auditView(a: AfterSaleAuditRecord) {
  return { action: a.action, from: a.fromState, to: a.toState, actor: a.actor, detail: a.detail, causeEventId: a.causeEventId, at: a.at.toISOString() };
}

/** Staff's after-sale desk: every route needs `aftersale:handle`. */
@Controller('aftersale/cases')
export class AfterSaleController {
  constructor(
    @Inject(AfterSaleService) private readonly cases: AfterSaleService,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
  ) {}

  /** Cases newest first, by state and order. */
  @Get()
  @RequireScopes('aftersale:handle')
  async list(@Query() query: Record<string, unknown>) {
    const filter = parse(ListQuery, query, 'query');
    const page = await this.unitOfWork.run((m) => new CaseStore(m).list(filter));
    return { items: page.items, total: page.total, limit: filter.limit, offset: filter.offset };
  }

  /** One case with its whole audit trail. */
  @Get(':id')
  @RequireScopes('aftersale:handle')
  async get(@Param('id', caseId) id: string) {
    return this.unitOfWork.run(async (m) => {
      const store = new CaseStore(m);
      const found = await store.findById(id);
      if (!found) throw new NotFoundException(`no after-sale case ${id}`);
      return { ...found, audit: (await store.auditOf(id)).map(auditView), refusedReports: (await store.refusedReportsOf(found.orderId)).map(auditView) };
    });
  }

  @Post(':id/replace')
  @HttpCode(202)
  @RequireScopes('aftersale:handle')
  async replace(@Param('id', caseId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parse(Decision, body, 'body');
    return this.cases.replace(id, who.name, reason);
  }

  @Post(':id/refund')
  @HttpCode(202)
  @RequireScopes('aftersale:handle')
  async refund(@Param('id', caseId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parse(Decision, body, 'body');
    return this.cases.refund(id, who.name, reason);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @RequireScopes('aftersale:handle')
  async reject(@Param('id', caseId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parse(Decision, body, 'body');
    return this.cases.reject(id, who.name, reason);
  }
}
