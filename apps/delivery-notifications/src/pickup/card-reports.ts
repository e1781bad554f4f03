import { createHmac, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CardReported } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { DeliveryConfig } from '../config';
import { CardOpener } from '../deliveries/card-opener';
import { queryRows } from '../rows';
import { NOTE_LIMIT } from './pickup-page';
import { normaliseContact } from './pickup.service';
import type { ReportVia } from './report-token';

export type ReportOutcome =
  | { kind: 'reported'; reportId: string; note: string }
  | { kind: 'noSuchCard' }
  | { kind: 'alreadyReported'; reportedAt: Date; again: Date }
  | { kind: 'tooManyReports'; count: number };

const HOUR_MS = 3_600_000;

/** The buyer's words as stored and published: control characters dropped, the card's own secrets masked, bounded. */
export function cleanNote(note: string, secrets: readonly string[]): string {
  let text = [...note].filter((c) => c === '\n' || c === '\t' || c === '\r' || (c >= ' ' && c !== '\u007f')).join('').trim();
  for (const secret of secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    text = text.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[card]');
  }
  return text.slice(0, NOTE_LIMIT);
}

/**
 * Buyers' reports of bad cards from the pickup page. The limits are checked
 * here, before anything is published (order-processing checks them again):
 * a card reported within AFTERSALE_CARD_REPORT_WINDOW_HOURS is not reported
 * again, and one buyer sends at most AFTERSALE_REPORTS_PER_BUYER_PER_DAY.
 * The report row and its CardReported event commit together.
 */
@Injectable()
export class CardReports {
  private readonly logger = new Logger(CardReports.name);

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: DeliveryConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(CardOpener) private readonly opener: CardOpener,
  ) {}

  async report(input: { orderId: string; cardId: string; note: string; via: ReportVia }): Promise<ReportOutcome> {
    const outcome = await this.unitOfWork.run(async (manager): Promise<ReportOutcome> => {
      const [card] = await queryRows<{ line_id: string; product_id: string; sealed: never; correlation_id: string | null }>(
        manager,
        `SELECT c.line_id, c.product_id, c.sealed, (SELECT d.correlation_id FROM deliveries d WHERE d.order_id = c.order_id AND d.correlation_id IS NOT NULL LIMIT 1) AS correlation_id
         FROM allocated_cards c WHERE c.order_id = $1 AND c.card_id = $2 AND c.voided_at IS NULL LIMIT 1`,
        [input.orderId, input.cardId],
      );
      if (!card) return { kind: 'noSuchCard' };
      const buyerKey = await this.buyerKey(manager, input.orderId);
      // One buyer's reports are decided one after the other, so two sent at once cannot both pass a limit.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`card-report:${buyerKey}`]);
      const refusal = await this.whyRefused(manager, input.cardId, buyerKey);
      if (refusal) return refusal;
      const opened = this.opener.open(card.sealed);
      const note = cleanNote(input.note, [opened.code, opened.password ?? '']);
      const reportId = randomUUID();
      await manager.query(
        'INSERT INTO card_reports (id, order_id, line_id, product_id, card_id, buyer_key, note, via) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [reportId, input.orderId, card.line_id, card.product_id, input.cardId, buyerKey, note, input.via],
      );
      await this.outbox.add(manager, CardReported, {
        subject: input.orderId,
        ...(card.correlation_id ? { correlationId: card.correlation_id } : {}),
        data: { reportId, orderId: input.orderId, lineId: card.line_id, productId: card.product_id, cardId: input.cardId, note, via: input.via, reportedAt: new Date().toISOString() },
      });
      return { kind: 'reported', reportId, note };
    });
    this.logger.log({ orderId: input.orderId, cardId: input.cardId, outcome: outcome.kind }, 'card report');
    return outcome;
  }

  private async whyRefused(manager: EntityManager, cardId: string, buyerKey: string): Promise<ReportOutcome | undefined> {
    const windowHours = this.config.AFTERSALE_CARD_REPORT_WINDOW_HOURS;
    const [earlier] = await queryRows<{ reported_at: Date }>(
      manager,
      `SELECT reported_at FROM card_reports WHERE card_id = $1 AND reported_at > now() - make_interval(hours => $2) ORDER BY reported_at DESC LIMIT 1`,
      [cardId, windowHours],
    );
    if (earlier) return { kind: 'alreadyReported', reportedAt: earlier.reported_at, again: new Date(earlier.reported_at.getTime() + windowHours * HOUR_MS) };
    const [{ count }] = await queryRows<{ count: number }>(
      manager,
      `SELECT count(*)::int AS count FROM card_reports WHERE buyer_key = $1 AND reported_at > now() - interval '24 hours'`,
      [buyerKey],
    );
    if (count >= this.config.AFTERSALE_REPORTS_PER_BUYER_PER_DAY) return { kind: 'tooManyReports', count };
    return undefined;
  }

  /** A keyed hash of the order's contact (or of the order, when it has none): the same buyer across orders, never the contact itself. */
  private async buyerKey(manager: EntityManager, orderId: string): Promise<string> {
    const [order] = await queryRows<{ email: string | null; phone: string | null }>(manager, 'SELECT email, phone FROM buyer_orders WHERE order_id = $1', [orderId]);
    const contact = order?.email ?? order?.phone;
    const who = contact ? `contact:${normaliseContact(contact)}` : `order:${orderId}`;
    return createHmac('sha256', this.config.PICKUP_LINK_SECRET).update(`card-report-buyer.v1:${who}`).digest('base64url');
  }
}
