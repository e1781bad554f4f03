import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CardsAllocated, DeliveryChannel, EventData, OrderCancelled, OrderPaid } from '@cardlink/contracts';
import { currentTraceHeaders } from '@cardlink/messaging';
import { queryRows } from '../rows';
import { channelsFor } from './delivery-policy';
import { sealContact } from '../privacy/buyer-contacts';

/**
 * Records what delivery needs from OrderPaid and CardsAllocated and, once both
 * are known (they travel on different topics, so either may come first),
 * records one pending delivery per order line, allocation and channel (a
 * replacement card is a later allocation of the same line, so it gets
 * deliveries of its own). Everything is insert-if-absent, so a redelivered
 * event changes nothing.
 */
@Injectable()
export class DeliveryPlanner {
  async recordOrder(manager: EntityManager, data: EventData<typeof OrderPaid>, correlationId: string): Promise<number> {
    await this.lockOrder(manager, data.orderId);
    await manager.query(
      `INSERT INTO buyer_orders (order_id, shop_order_id, email, phone, locale, paid_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id) DO NOTHING`,
      [data.orderId, data.shopOrderId, sealContact('email', data.buyer.email), sealContact('phone', data.buyer.phone), data.buyer.locale ?? null, data.paidAt],
    );
    return this.plan(manager, data.orderId, correlationId);
  }

  async recordAllocation(manager: EntityManager, data: EventData<typeof CardsAllocated>, correlationId: string): Promise<number> {
    await this.lockOrder(manager, data.orderId);
    if (data.replacesCardId !== undefined) await this.voidCard(manager, data.orderId, data.replacesCardId, data.allocatedAt);
    const cards = data.lines.flatMap((line) => line.cards.map((card) => ({ line, card })));
    await manager.query(
      `INSERT INTO allocated_cards (order_id, allocation_id, line_id, product_id, card_id, sealed, expires_at, allocated_at)
       SELECT $1, $2, u.line_id, u.product_id, u.card_id, u.sealed::jsonb, u.expires_at::timestamptz, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(line_id, product_id, card_id, sealed, expires_at)
       ON CONFLICT (allocation_id, card_id) DO NOTHING`,
      [
        data.orderId,
        data.allocationId,
        data.allocatedAt,
        cards.map((c) => c.line.lineId),
        cards.map((c) => c.line.productId),
        cards.map((c) => c.card.cardId),
        cards.map((c) => JSON.stringify(c.card.secret)),
        cards.map((c) => c.card.expiresAt ?? null),
      ],
    );
    return this.plan(manager, data.orderId, correlationId);
  }

  /**
   * The order will not be fulfilled: every delivery that has not reached the
   * buyer (pending, or failed and so retryable) becomes `cancelled`, and
   * allocations that arrive later are recorded as cancelled deliveries.
   * A send already under way when this commits may still complete; the
   * dispatcher then records what really happened.
   */
  async cancelOrder(manager: EntityManager, data: EventData<typeof OrderCancelled>): Promise<number> {
    await this.lockOrder(manager, data.orderId);
    await manager.query('UPDATE buyer_orders SET cancelled_at = $2 WHERE order_id = $1 AND cancelled_at IS NULL', [data.orderId, data.cancelledAt]);
    const cancelled = await queryRows<{ id: string }>(
      manager,
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, last_error = $2, completed_at = now(), updated_at = now()
       WHERE order_id = $1 AND status IN ('pending', 'failed') RETURNING id`,
      [data.orderId, `order cancelled: ${data.reason}`.slice(0, 1000)],
    );
    return cancelled.length;
  }

  /**
   * A replacement voids the card it replaces: it is no longer sent or shown.
   * A delivery left with no card (every card it carried was replaced) and not
   * yet delivered has nothing to send any more.
   */
  private async voidCard(manager: EntityManager, orderId: string, cardId: string, at: string): Promise<void> {
    await manager.query('UPDATE allocated_cards SET voided_at = $3 WHERE order_id = $1 AND card_id = $2 AND voided_at IS NULL', [orderId, cardId, at]);
    await manager.query(
      `UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, last_error = 'every card of this delivery was voided and replaced', completed_at = now(), updated_at = now()
       WHERE d.order_id = $1 AND d.status IN ('pending', 'failed')
         AND NOT EXISTS (SELECT 1 FROM allocated_cards c
                         WHERE c.order_id = d.order_id AND c.line_id = d.line_id AND c.allocation_id = d.allocation_id AND c.voided_at IS NULL)`,
      [orderId],
    );
  }

  /**
   * The two events of one order arrive on different topics and may be handled
   * at the same moment; without this lock each transaction would miss the
   * other's uncommitted row and neither would plan the deliveries.
   */
  private async lockOrder(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('delivery-plan:' || $1))`, [orderId]);
  }

  /** Creates the deliveries that are still missing for an order; returns how many were created. */
  private async plan(manager: EntityManager, orderId: string, correlationId: string): Promise<number> {
    const [buyer] = await queryRows<{ email: string | null; phone: string | null; cancelled_at: Date | null }>(
      manager,
      'SELECT email, phone, cancelled_at FROM buyer_orders WHERE order_id = $1',
      [orderId],
    );
    if (!buyer) return 0;
    const lines = await queryRows<{ line_id: string; product_id: string; allocation_id: string; allocated_at: Date; channels: DeliveryChannel[] | null }>(
      manager,
      `SELECT c.line_id, c.product_id, c.allocation_id, min(c.allocated_at) AS allocated_at, s.channels
       FROM allocated_cards c LEFT JOIN product_settings s ON s.product_id = c.product_id
       WHERE c.order_id = $1 AND c.voided_at IS NULL GROUP BY c.line_id, c.product_id, c.allocation_id, s.channels`,
      [orderId],
    );
    // A cancelled order's deliveries are still recorded, as cancelled, so staff see the cards were held back.
    const [status, lastError] = buyer.cancelled_at ? ['cancelled', 'order cancelled before its cards arrived'] : ['pending', null];
    // The handling message's trace: the dispatcher sends, and publishes the outcome, in it.
    const traceContext = JSON.stringify(currentTraceHeaders());
    let created = 0;
    for (const line of lines) {
      for (const channel of channelsFor(line.channels, buyer)) {
        const inserted = await queryRows(
          manager,
          `INSERT INTO deliveries (id, order_id, line_id, allocation_id, product_id, channel, status, last_error, next_attempt_at, completed_at, allocated_at, correlation_id, trace_context)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7 = 'pending' THEN now() END, CASE WHEN $7 = 'cancelled' THEN now() END, $9, $10, $11::jsonb)
           ON CONFLICT (order_id, line_id, channel, allocation_id) DO NOTHING RETURNING id`,
          [randomUUID(), orderId, line.line_id, line.allocation_id, line.product_id, channel, status, lastError, line.allocated_at, correlationId, traceContext],
        );
        if (status === 'pending') created += inserted.length;
      }
    }
    return created;
  }
}
