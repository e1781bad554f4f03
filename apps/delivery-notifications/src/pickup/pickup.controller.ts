import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { Public } from '@cardlink/auth';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { DeliveryConfig } from '../config';
import type { Locale } from '../templates/template-language';
import { CardReports } from './card-reports';
import { PickupLinks } from './pickup-links';
import { cardsPage, lookupPage, NOTE_LIMIT, pickupHeaders, refusalPage, reportReceivedPage, reportRefusedPage, type Refusal, type ReportRefusal } from './pickup-page';
import { PickupService, utcMinute, type Visitor } from './pickup.service';
import { signReportToken, verifyReportToken, type ReportVia } from './report-token';
import { visitorIpKey } from '../privacy/buyer-contacts';

interface LookupForm {
  orderNumber?: unknown;
  contact?: unknown;
  code?: unknown;
  lang?: unknown;
}

interface ReportForm {
  reportToken?: unknown;
  cardId?: unknown;
  note?: unknown;
  lang?: unknown;
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function localeOf(explicit: unknown, request: Request, fallback: Locale | null = null): Locale {
  if (explicit === 'en' || explicit === 'zh-CN') return explicit;
  if (fallback) return fallback;
  const accepted = request.headers['accept-language'] ?? '';
  return /^\s*en\b/i.test(accepted) ? 'en' : 'zh-CN';
}

function other(locale: Locale): Locale {
  return locale === 'en' ? 'zh-CN' : 'en';
}

/**
 * The buyer's pickup page: a signed, expiring link, or order number plus
 * contact plus a one-time code sent to that contact. Public, rate limited per
 * IP and per order, every try audited; nothing is cached, framed or referred.
 */
@Controller('pickup')
@Public()
export class PickupController {
  constructor(
    @Inject(PickupService) private readonly pickup: PickupService,
    @Inject(PickupLinks) private readonly links: PickupLinks,
    @Inject(CardReports) private readonly reports: CardReports,
    @Inject(SERVICE_CONFIG) private readonly config: DeliveryConfig,
  ) {}

  @Get()
  form(@Query('lang') lang: unknown, @Req() request: Request, @Res() response: Response): void {
    const locale = localeOf(lang, request);
    this.send(response, 200, (nonce) => lookupPage({ locale, nonce, otherLanguageHref: `/pickup?lang=${other(locale)}`, form: { codeSent: false } }));
  }

  @Get('link')
  async byLink(@Query('token') rawToken: unknown, @Query('lang') lang: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const visitor = this.visitor(request);
    const token = typeof rawToken === 'string' ? rawToken.slice(0, 512) : '';
    const check = this.links.check(token);
    const orderId = check.valid ? check.orderId : null;
    const href = (locale: Locale) => `/pickup/link?token=${encodeURIComponent(token)}&lang=${other(locale)}`;
    if (await this.pickup.limited(visitor, 'link', orderId)) return this.refuse(response, 429, 'rateLimited', localeOf(lang, request), href);
    if (!check.valid) {
      await this.pickup.audit(visitor, 'link', 'refused', null, `link ${check.reason}`);
      return this.refuse(response, check.reason === 'expired' ? 410 : 403, check.reason === 'expired' ? 'expired' : 'invalid', localeOf(lang, request), href);
    }
    const order = await this.pickup.cardsOf(check.orderId);
    if (!order) {
      await this.pickup.audit(visitor, 'link', 'refused', check.orderId, 'no cards for the order');
      return this.refuse(response, 404, 'notFound', localeOf(lang, request), href);
    }
    await this.pickup.audit(visitor, 'link', 'shown', order.orderId, null);
    const locale = localeOf(lang, request, order.locale);
    const validUntil = utcMinute(check.expiresAt);
    const reportToken = this.reportToken(order.orderId, 'link', check.expiresAt);
    this.send(response, 200, (nonce) => cardsPage({ locale, nonce, orderNumber: order.orderNumber, lines: order.lines, validUntil, otherLanguageHref: href(locale), reportToken }));
  }

  @Post('code')
  async requestCode(@Body() body: LookupForm, @Req() request: Request, @Res() response: Response): Promise<void> {
    const visitor = this.visitor(request);
    const locale = localeOf(body.lang, request);
    const orderNumber = text(body.orderNumber, 128);
    const contact = text(body.contact, 254);
    const href = (l: Locale) => `/pickup?lang=${other(l)}`;
    if (await this.pickup.limited(visitor, 'code_request', null)) return this.refuse(response, 429, 'rateLimited', locale, href);
    const order = orderNumber && contact ? await this.pickup.findOrder(orderNumber, contact) : undefined;
    if (order && (await this.pickup.limited(visitor, 'code_request', order.orderId))) return this.refuse(response, 429, 'rateLimited', locale, href);
    if (order) {
      await this.pickup.sendCode(order, contact, locale);
      await this.pickup.audit(visitor, 'code_request', 'code_sent', order.orderId, null);
    } else {
      await this.pickup.audit(visitor, 'code_request', 'refused', null, 'no order matches the number and contact');
    }
    // The same answer either way, so the form cannot be used to learn which orders and contacts exist.
    this.send(response, 200, (nonce) => lookupPage({ locale, nonce, otherLanguageHref: href(locale), form: { orderNumber, contact, codeSent: true } }));
  }

  @Post('lookup')
  async lookup(@Body() body: LookupForm, @Req() request: Request, @Res() response: Response): Promise<void> {
    const visitor = this.visitor(request);
    const locale = localeOf(body.lang, request);
    const orderNumber = text(body.orderNumber, 128);
    const contact = text(body.contact, 254);
    const code = text(body.code, 12);
    const href = (l: Locale) => `/pickup?lang=${other(l)}`;
    if (await this.pickup.limited(visitor, 'code_lookup', null)) return this.refuse(response, 429, 'rateLimited', locale, href);
    const order = orderNumber && contact ? await this.pickup.findOrder(orderNumber, contact) : undefined;
    if (order && (await this.pickup.limited(visitor, 'code_lookup', order.orderId))) return this.refuse(response, 429, 'rateLimited', locale, href);
    const cards = order && (await this.pickup.redeemCode(order.orderId, code)) ? await this.pickup.cardsOf(order.orderId) : undefined;
    if (!cards) {
      await this.pickup.audit(visitor, 'code_lookup', 'refused', order?.orderId ?? null, order ? 'wrong or used code' : 'no order matches the number and contact');
      return this.send(response, 403, (nonce) =>
        refusalPage({ locale, nonce, refusal: 'notFound', otherLanguageHref: href(locale), form: { orderNumber, contact, codeSent: order !== undefined } }),
      );
    }
    await this.pickup.audit(visitor, 'code_lookup', 'shown', cards.orderId, null);
    const reportToken = this.reportToken(cards.orderId, 'code');
    this.send(response, 200, (nonce) => cardsPage({ locale, nonce, orderNumber: cards.orderNumber, lines: cards.lines, otherLanguageHref: href(locale), reportToken }));
  }

  /** A buyer reports a card shown on their cards page as invalid; the form carries a report token from that page. */
  @Post('report')
  async report(@Body() body: ReportForm, @Req() request: Request, @Res() response: Response): Promise<void> {
    const visitor = this.visitor(request);
    const locale = localeOf(body.lang, request);
    const href = (l: Locale) => `/pickup?lang=${other(l)}`;
    if (await this.pickup.limited(visitor, 'report', null)) return this.refuse(response, 429, 'rateLimited', locale, href);
    const check = verifyReportToken(this.config.PICKUP_LINK_SECRET, text(body.reportToken, 512), new Date());
    if (!check.valid) {
      await this.pickup.audit(visitor, 'report', 'refused', null, `report token ${check.reason}`);
      return this.refuseReport(response, 403, { reason: 'reportExpired' }, locale, href);
    }
    if (await this.pickup.limited(visitor, 'report', check.orderId)) return this.refuse(response, 429, 'rateLimited', locale, href);
    const note = typeof body.note === 'string' ? body.note.slice(0, NOTE_LIMIT * 2) : '';
    const cardId = text(body.cardId, 128);
    if (!note.trim() || !cardId) {
      await this.pickup.audit(visitor, 'report', 'report_refused', check.orderId, 'no note or no card');
      return this.refuseReport(response, 400, { reason: 'noteRequired' }, locale, href);
    }
    const outcome = await this.reports.report({ orderId: check.orderId, cardId, note, via: check.via });
    switch (outcome.kind) {
      case 'reported':
        await this.pickup.audit(visitor, 'report', 'reported', check.orderId, `card ${cardId} reported (${outcome.reportId})`);
        return this.send(response, 201, (nonce) => reportReceivedPage({ locale, nonce, reportId: outcome.reportId, note: outcome.note, otherLanguageHref: href(locale) }));
      case 'alreadyReported':
        await this.pickup.audit(visitor, 'report', 'report_refused', check.orderId, `card ${cardId} already reported`);
        return this.refuseReport(response, 409, { reason: 'alreadyReported', at: utcMinute(outcome.reportedAt), again: utcMinute(outcome.again) }, locale, href);
      case 'tooManyReports':
        await this.pickup.audit(visitor, 'report', 'report_refused', check.orderId, `buyer made ${outcome.count} reports in 24 hours`);
        return this.refuseReport(response, 429, { reason: 'tooManyReports', count: outcome.count }, locale, href);
      case 'noSuchCard':
        await this.pickup.audit(visitor, 'report', 'report_refused', check.orderId, `card ${cardId} not on the order or replaced`);
        return this.refuseReport(response, 404, { reason: 'noSuchCard' }, locale, href);
    }
  }

  private reportToken(orderId: string, via: ReportVia, notAfter?: Date): string {
    const ttl = new Date(Date.now() + this.config.PICKUP_REPORT_TTL_MINUTES * 60_000);
    return signReportToken(this.config.PICKUP_LINK_SECRET, orderId, via, notAfter && notAfter < ttl ? notAfter : ttl);
  }

  private refuseReport(response: Response, status: number, refusal: ReportRefusal, locale: Locale, href: (l: Locale) => string): void {
    this.send(response, status, (nonce) => reportRefusedPage({ locale, nonce, refusal, otherLanguageHref: href(locale) }));
  }

  private visitor(request: Request): Visitor {
    return { ip: visitorIpKey(request.ip ?? request.socket.remoteAddress ?? 'unknown'), userAgent: request.headers['user-agent'] ?? null };
  }

  private refuse(response: Response, status: number, refusal: Refusal, locale: Locale, href: (l: Locale) => string): void {
    this.send(response, status, (nonce) => refusalPage({ locale, nonce, refusal, otherLanguageHref: href(locale) }));
  }

  private send(response: Response, status: number, page: (nonce: string) => string): void {
    const nonce = randomBytes(16).toString('base64');
    response.status(status).set(pickupHeaders(nonce)).send(page(nonce));
  }
}
