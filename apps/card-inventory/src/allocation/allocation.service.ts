import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CardsAllocated, OutOfStock, type EventData, type EventEnvelope, type OrderApproved } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { queryRows } from '../rows';
import { CardSecrets } from '../secrets/card-secrets';
import { shortages, type LineShortage } from './order-lines';

export type ApprovedOrder = Pick<EventData<typeof OrderApproved>, 'orderId' | 'lines'>;

export interface AllocatedLine {
  lineId: string;
  productId: string;
  cardIds: string[];
}

export type AllocationOutcome =
  | { status: 'allocated'; orderId: string; allocationId: string; lines: AllocatedLine[]; replayed: boolean }
  | { status: 'waiting'; orderId: string; missing: LineShortage[]; replayed: boolean };

interface TakenCard {
  id: string;
  ciphertext: Buffer;
  iv: Buffer;
  key_id: string;
  expires_at: Date | null;
}

/**
 * Gives an approved order its cards, all lines or none, inside the caller's
 * transaction. Cards are taken with FOR UPDATE SKIP LOCKED so concurrent
 * orders for one product take different cards instead of queueing on the same
 * rows; the unique card id in card_allocations makes double allocation
 * impossible even if that logic were wrong.
 */
@Injectable()
export class AllocationService {
  constructor(
    @Inject(CardSecrets) private readonly secrets: CardSecrets,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  async allocate(manager: EntityManager, order: ApprovedOrder, causedBy?: Pick<EventEnvelope, 'id' | 'correlationid'>): Promise<AllocationOutcome> {
    const allocationId = randomUUID();
    // The order row is claimed first: a second delivery of the same order waits here for the
    // first to commit, then finds the row and returns the recorded outcome.
    const claimed = await queryRows<{ order_id: string }>(
      manager,
      `INSERT INTO order_allocations (order_id, allocation_id, status, lines) VALUES ($1, $2, 'waiting', $3)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [order.orderId, allocationId, JSON.stringify(order.lines)],
    );
    if (claimed.length === 0) return this.recordedOutcome(manager, order.orderId);

    await manager.query('SAVEPOINT take_cards');
    const taken = new Map<string, TakenCard[]>();
    for (const line of order.lines) {
      taken.set(line.lineId, await this.takeCards(manager, line.productId, line.quantity));
    }
    const missing = shortages(order.lines, new Map([...taken].map(([lineId, cards]) => [lineId, cards.length])));
    const at = new Date().toISOString();

    if (missing.length > 0) {
      // All or nothing: the cards this order locked go back to stock for other orders at once.
      await manager.query('ROLLBACK TO SAVEPOINT take_cards');
      await manager.query('UPDATE order_allocations SET missing = $2 WHERE order_id = $1', [order.orderId, JSON.stringify(missing)]);
      await this.outbox.add(manager, OutOfStock, { subject: order.orderId, causedBy, data: { orderId: order.orderId, lines: missing, at } });
      return { status: 'waiting', orderId: order.orderId, missing, replayed: false };
    }
    await manager.query('RELEASE SAVEPOINT take_cards');

    const rows = order.lines.flatMap((line) => (taken.get(line.lineId) ?? []).map((card) => ({ line, card })));
    await manager.query(
      `INSERT INTO card_allocations (order_id, line_id, product_id, card_id)
       SELECT $1, t.line_id, t.product_id, t.card_id FROM unnest($2::text[], $3::text[], $4::uuid[]) AS t(line_id, product_id, card_id)`,
      [order.orderId, rows.map((r) => r.line.lineId), rows.map((r) => r.line.productId), rows.map((r) => r.card.id)],
    );
    await manager.query(`UPDATE order_allocations SET status = 'allocated' WHERE order_id = $1`, [order.orderId]);
    await this.outbox.add(manager, CardsAllocated, {
      subject: order.orderId,
      causedBy,
      data: {
        orderId: order.orderId,
        allocationId,
        allocatedAt: at,
        lines: order.lines.map((line) => ({
          lineId: line.lineId,
          productId: line.productId,
          cards: (taken.get(line.lineId) ?? []).map((card) => ({
            cardId: card.id,
            secret: this.secrets.sealForDelivery(card.id, { keyId: card.key_id, iv: card.iv, ciphertext: card.ciphertext }),
            ...(card.expires_at ? { expiresAt: card.expires_at.toISOString() } : {}),
          })),
        })),
      },
    });
    return {
      status: 'allocated',
      orderId: order.orderId,
      allocationId,
      lines: order.lines.map((line) => ({ lineId: line.lineId, productId: line.productId, cardIds: (taken.get(line.lineId) ?? []).map((c) => c.id) })),
      replayed: false,
    };
  }

  /**
   * Takes up to `quantity` unexpired available cards, oldest first, skipping
   * rows other transactions hold. Marking them allocated at once also keeps a
   * second line of the same product from taking them again in this transaction.
   */
  private takeCards(manager: EntityManager, productId: string, quantity: number): Promise<TakenCard[]> {
    return queryRows<TakenCard>(
      manager,
      `WITH picked AS (
         SELECT id FROM cards
         WHERE product_id = $1 AND status = 'available' AND (expires_at IS NULL OR expires_at > now())
         ORDER BY created_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE cards c SET status = 'allocated', allocated_at = now()
       FROM picked WHERE c.id = picked.id
       RETURNING c.id, c.ciphertext, c.iv, c.key_id, c.expires_at`,
      [productId, quantity],
    );
  }

  private async recordedOutcome(manager: EntityManager, orderId: string): Promise<AllocationOutcome> {
    const [order] = await queryRows<{ allocation_id: string; status: 'allocated' | 'waiting'; lines: ApprovedOrder['lines']; missing: LineShortage[] | null }>(
      manager,
      'SELECT allocation_id, status, lines, missing FROM order_allocations WHERE order_id = $1',
      [orderId],
    );
    if (order.status === 'waiting') return { status: 'waiting', orderId, missing: order.missing ?? [], replayed: true };
    const cards = await queryRows<{ line_id: string; card_id: string }>(
      manager,
      'SELECT line_id, card_id FROM card_allocations WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
    return {
      status: 'allocated',
      orderId,
      allocationId: order.allocation_id,
      lines: order.lines.map((line) => ({
        lineId: line.lineId,
        productId: line.productId,
        cardIds: cards.filter((c) => c.line_id === line.lineId).map((c) => c.card_id),
      })),
      replayed: true,
    };
  }
}
