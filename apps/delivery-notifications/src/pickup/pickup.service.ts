import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { maskEmail, maskPhone } from '@cardlink/observability';
import { withTransaction } from '@cardlink/persistence';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { DeliveryConfig } from '../config';
import { CardOpener } from '../deliveries/card-opener';
import { EmailSender } from '../deliveries/channels/email-sender';
import { SmsSender } from '../deliveries/channels/sms-sender';
import { describeError } from '../deliveries/channels/channel-sender';
import { queryRows } from '../rows';
import type { Locale } from '../templates/template-language';
import type { PickupLine } from './pickup-page';
import { openContact } from '../privacy/buyer-contacts';

export interface Visitor {
  ip: string;
  userAgent: string | null;
}

type Method = 'link' | 'code_request' | 'code_lookup' | 'report';
type Outcome = 'shown' | 'refused' | 'rate_limited' | 'code_sent' | 'reported' | 'report_refused';

export interface OrderCards {
  orderId: string;
  orderNumber: string;
  locale: Locale | null;
  lines: PickupLine[];
}

/** A time as the pickup pages show it: 2026-11-27 08:00 UTC. */
export function utcMinute(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Normalised for comparison: lower-case email, or the phone's digits without a +86 prefix. */
export function normaliseContact(contact: string): string {
  const trimmed = contact.trim().toLowerCase();
  if (trimmed.includes('@')) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/**
 * The pickup page's rules: who may see which cards, how often, and the
 * record of every try. Rate limits count the audit rows themselves, so they
 * hold across replicas.
 */
@Injectable()
export class PickupService {
  private readonly logger = new Logger(PickupService.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: DeliveryConfig,
    @Inject(CardOpener) private readonly opener: CardOpener,
    @Inject(EmailSender) private readonly email: EmailSender,
    @Inject(SmsSender) private readonly sms: SmsSender,
  ) {}

  /** Counts earlier tries in the window; when over a limit, records this try as rate limited. */
  async limited(visitor: Visitor, method: Method, orderId: string | null): Promise<boolean> {
    const window = this.config.PICKUP_RATE_WINDOW_SECONDS;
    const [counts] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE ip = $1)::int AS by_ip, count(*) FILTER (WHERE $2::text IS NOT NULL AND order_id = $2)::int AS by_order
       FROM pickup_audit WHERE at > now() - make_interval(secs => $3) AND (ip = $1 OR order_id = $2)`,
      [visitor.ip, orderId, window],
    );
    const limited = counts.by_ip >= this.config.PICKUP_RATE_LIMIT_PER_IP || counts.by_order >= this.config.PICKUP_RATE_LIMIT_PER_ORDER;
    if (limited) await this.audit(visitor, method, 'rate_limited', orderId, null);
    return limited;
  }

  async audit(visitor: Visitor, method: Method, outcome: Outcome, orderId: string | null, reason: string | null, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('INSERT INTO pickup_audit (order_id, method, outcome, reason, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)', [
      orderId,
      method,
      outcome,
      reason,
      visitor.ip,
      visitor.userAgent?.slice(0, 300) ?? null,
    ]);
    this.logger.log({ orderId, method, outcome, reason }, 'pickup');
  }

  /** The order's cards (not the voided ones a replacement took the place of), opened in memory for one page, with any report sent for each; undefined when the order or its cards are not known. */
  async cardsOf(orderId: string): Promise<OrderCards | undefined> {
    const [order] = await this.dataSource.query('SELECT shop_order_id, locale FROM buyer_orders WHERE order_id = $1', [orderId]);
    if (!order) return undefined;
    const rows: { line_id: string; product_id: string; card_id: string; title: string | null; sealed: never; reported_at: Date | null; note: string | null }[] = await this.dataSource.query(
      `SELECT c.line_id, c.product_id, c.card_id, s.title, c.sealed, r.reported_at, r.note
       FROM allocated_cards c LEFT JOIN product_settings s ON s.product_id = c.product_id
       LEFT JOIN LATERAL (SELECT reported_at, note FROM card_reports WHERE order_id = c.order_id AND card_id = c.card_id ORDER BY reported_at DESC LIMIT 1) r ON true
       WHERE c.order_id = $1 AND c.voided_at IS NULL ORDER BY c.id`,
      [orderId],
    );
    if (rows.length === 0) return undefined;
    const lines = new Map<string, PickupLine>();
    for (const row of rows) {
      const line = lines.get(row.line_id) ?? { productTitle: row.title ?? row.product_id, cards: [] };
      line.cards.push({
        ...this.opener.open(row.sealed),
        cardId: row.card_id,
        ...(row.reported_at === null ? {} : { reported: { at: utcMinute(row.reported_at), note: row.note ?? '' } }),
      });
      lines.set(row.line_id, line);
    }
    return { orderId, orderNumber: order.shop_order_id, locale: order.locale === 'en' ? 'en' : order.locale === 'zh-CN' ? 'zh-CN' : null, lines: [...lines.values()] };
  }

  /** The order whose number and buyer contact match, if any. */
  async findOrder(orderNumber: string, contact: string): Promise<{ orderId: string; email: string | null; phone: string | null } | undefined> {
    const wanted = normaliseContact(contact);
    if (!wanted) return undefined;
    const rows: { order_id: string; email: string | null; phone: string | null }[] = await this.dataSource.query(
      'SELECT order_id, email, phone FROM buyer_orders WHERE shop_order_id = $1',
      [orderNumber.trim()],
    );
    const opened = rows.map((r) => ({ orderId: r.order_id, email: openContact('email', r.email), phone: openContact('phone', r.phone) }));
    return opened.find((r) => (r.email !== null && normaliseContact(r.email) === wanted) || (r.phone !== null && normaliseContact(r.phone) === wanted));
  }

  private codeHash(orderId: string, code: string): string {
    return createHmac('sha256', this.config.PICKUP_LINK_SECRET).update(`pickup-code.v1:${orderId}:${code}`).digest('base64url');
  }

  /** Creates a one-time code and sends it to the contact the buyer typed (which matched the order's). */
  async sendCode(order: { orderId: string }, contact: string, locale: Locale): Promise<void> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const ttl = this.config.PICKUP_CODE_TTL_MINUTES;
    await this.dataSource.query(`INSERT INTO pickup_codes (order_id, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [
      order.orderId,
      this.codeHash(order.orderId, code),
      ttl,
    ]);
    const text = locale === 'en' ? `Your code to see your cards: ${code} (valid for ${ttl} minutes).` : `您的卡密查看验证码：${code}（${ttl} 分钟内有效）。`;
    const to = contact.trim();
    try {
      if (to.includes('@')) await this.email.sendNotice(to, locale === 'en' ? 'Your pickup code' : '卡密查看验证码', text);
      else await this.sms.sendNotice(to, text);
    } catch (error) {
      this.logger.warn({ orderId: order.orderId, to: to.includes('@') ? maskEmail(to) : maskPhone(to), err: describeError(error) }, 'pickup code not sent');
    }
  }

  /** Uses up a matching, unexpired, unused code of the order; true when there was one. */
  async redeemCode(orderId: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const expected = Buffer.from(this.codeHash(orderId, code));
    return withTransaction(this.dataSource, async (manager) => {
      const rows = await queryRows<{ id: string; code_hash: string }>(
        manager,
        'SELECT id, code_hash FROM pickup_codes WHERE order_id = $1 AND used_at IS NULL AND expires_at > now() FOR UPDATE',
        [orderId],
      );
      const hit = rows.find((r) => r.code_hash.length === expected.length && timingSafeEqual(Buffer.from(r.code_hash), expected));
      if (!hit) return false;
      await manager.query('UPDATE pickup_codes SET used_at = now() WHERE id = $1', [hit.id]);
      return true;
    });
  }
}
