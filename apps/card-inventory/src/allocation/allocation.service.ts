import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CardsAllocated, OutOfStock, type EventData, type EventEnvelope, type OrderApproved, type PoolMode } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { queryRows } from '../rows';
import { CardSecrets } from '../secrets/card-secrets';
import { markStockChanged } from '../stock/stock-marks';
import { allocationCounts } from './allocation-counts';
import { AllocationMetrics } from './allocation-metrics';
import { shortages, type LineShortage } from './order-lines';

export type ApprovedOrder = Pick<EventData<typeof OrderApproved>, 'orderId' | 'lines'>;
type OrderLine = ApprovedOrder['lines'][number];
type CausedBy = Pick<EventEnvelope, 'id' | 'correlationid'>;

export interface AllocatedLine {
  lineId: string;
  productId: string;
  cardIds: string[];
}

export type AllocationOutcome =
  | { status: 'allocated'; orderId: string; allocationId: string; lines: AllocatedLine[]; replayed: boolean }
  | { status: 'waiting'; orderId: string; missing: LineShortage[]; replayed: boolean }
  | { status: 'cancelled'; orderId: string; replayed: boolean };

/** What cancelling did: a backorder stopped, an order that already has its cards, or a cancellation recorded before any approval. */
export type CancelOutcome = 'backorder-cancelled' | 'already-allocated' | 'already-cancelled' | 'cancelled-before-approval';

/** A replacement is owed per voided card and order line. */
export interface ReplacementKey {
  voidedCardId: string;
  orderId: string;
  lineId: string;
}

export type ReplacementOutcome = { status: 'allocated'; cardId: string; allocationId: string } | { status: 'waiting' };

/**
 * How cards are locked. `skip-locked` is what the service runs; `wait` (plain
 * FOR UPDATE) exists only so the benchmark can show what SKIP LOCKED saves.
 */
export type CardLocking = 'skip-locked' | 'wait';

interface TakenCard {
  id: string;
  ciphertext: Buffer;
  iv: Buffer;
  key_id: string;
  expires_at: Date | null;
  reusable: boolean;
}

interface Pool {
  mode: PoolMode;
  reusable_cap: number | null;
}

/**
 * Gives an approved order its cards, all lines or none, inside the caller's
 * transaction. Cards are taken with FOR UPDATE SKIP LOCKED so concurrent
 * orders for one product take different cards instead of queueing on the same
 * rows; the unique card id in card_allocations makes double allocation
 * impossible even if that logic were wrong. An order that finds too few cards
 * waits (status `waiting`) until the backorder worker fulfils it.
 */
@Injectable()
export class AllocationService {
  locking: CardLocking = 'skip-locked';

  constructor(
    @Inject(CardSecrets) private readonly secrets: CardSecrets,
    @Inject(Outbox) private readonly outbox: Outbox,
    // Absent in tests and benchmarks that build the service by hand.
    @Optional() @Inject(AllocationMetrics) private readonly metrics?: AllocationMetrics,
  ) {}

  async allocate(manager: EntityManager, order: ApprovedOrder, causedBy?: CausedBy): Promise<AllocationOutcome> {
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

    const result = await this.fulfil(manager, order.orderId, allocationId, order.lines, causedBy);
    this.metrics?.record(manager, allocationCounts(result, 'first'));
    if (result.status === 'allocated') return result;
    await this.outbox.add(manager, OutOfStock, {
      subject: order.orderId,
      causedBy,
      data: { orderId: order.orderId, lines: result.missing, at: new Date().toISOString() },
    });
    return result;
  }

  /**
   * Tries again to fulfil a waiting order (a backorder). Skips an order another
   * transaction is handling or that was cancelled meanwhile; publishes nothing
   * when it still cannot be fulfilled.
   */
  async fulfilWaiting(manager: EntityManager, orderId: string): Promise<AllocationOutcome | undefined> {
    const [order] = await queryRows<{ allocation_id: string; lines: OrderLine[] }>(
      manager,
      `SELECT allocation_id, lines FROM order_allocations WHERE order_id = $1 AND status = 'waiting' FOR UPDATE SKIP LOCKED`,
      [orderId],
    );
    if (!order) return undefined;
    const result = await this.fulfil(manager, orderId, order.allocation_id, order.lines, undefined);
    this.metrics?.record(manager, allocationCounts(result, 'backorder'));
    return result;
  }

  /**
   * The order will not be fulfilled. A waiting order stops waiting. Cards of an
   * allocated order stay with it: their secrets already left sealed for
   * delivery, so putting them back on sale could sell one secret twice.
   */
  async cancel(manager: EntityManager, orderId: string, reason: string): Promise<CancelOutcome> {
    const [row] = await queryRows<{ status: 'allocated' | 'waiting' | 'cancelled'; inserted: boolean }>(
      manager,
      `INSERT INTO order_allocations (order_id, allocation_id, status, lines, cancelled_at, cancel_reason)
       VALUES ($1, $2, 'cancelled', '[]', now(), $3)
       ON CONFLICT (order_id) DO UPDATE SET status = 'cancelled', cancelled_at = now(), cancel_reason = EXCLUDED.cancel_reason
         WHERE order_allocations.status = 'waiting'
       RETURNING status, (xmax = 0) AS inserted`,
      [orderId, randomUUID(), reason.slice(0, 500)],
    );
    await manager.query(`UPDATE card_replacements SET status = 'cancelled' WHERE order_id = $1 AND status = 'waiting'`, [orderId]);
    if (row) return row.inserted ? 'cancelled-before-approval' : 'backorder-cancelled';
    const [existing] = await queryRows<{ status: string }>(manager, 'SELECT status FROM order_allocations WHERE order_id = $1', [orderId]);
    return existing?.status === 'allocated' ? 'already-allocated' : 'already-cancelled';
  }

  /**
   * Gives a waiting replacement its card: one card of the same product, on the
   * same order line, published as a new allocation naming the voided card.
   */
  async fulfilReplacement(manager: EntityManager, key: ReplacementKey): Promise<ReplacementOutcome | undefined> {
    const { voidedCardId } = key;
    const [replacement] = await queryRows<{ order_id: string; line_id: string; product_id: string }>(
      manager,
      `SELECT order_id, line_id, product_id FROM card_replacements
       WHERE voided_card_id = $1 AND order_id = $2 AND line_id = $3 AND status = 'waiting' FOR UPDATE SKIP LOCKED`,
      [voidedCardId, key.orderId, key.lineId],
    );
    if (!replacement) return undefined;
    await manager.query('SAVEPOINT take_replacement');
    const [card] = await this.takeCards(manager, replacement.product_id, 1);
    if (!card) {
      await manager.query('ROLLBACK TO SAVEPOINT take_replacement');
      return { status: 'waiting' };
    }
    await manager.query('RELEASE SAVEPOINT take_replacement');
    await manager.query(
      `INSERT INTO card_allocations (order_id, line_id, product_id, card_id, reusable, replaces_card_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [replacement.order_id, replacement.line_id, replacement.product_id, card.id, card.reusable, voidedCardId],
    );
    await manager.query(
      `UPDATE card_replacements SET status = 'allocated', replacement_card_id = $4, allocated_at = now()
       WHERE voided_card_id = $1 AND order_id = $2 AND line_id = $3`,
      [voidedCardId, key.orderId, key.lineId, card.id],
    );
    await markStockChanged(manager, [replacement.product_id]);
    // A replacement takes a card but is not a new order line, so only the card is counted.
    this.metrics?.record(manager, { lines: [], cards: new Map([[replacement.product_id, 1]]) });
    const allocationId = randomUUID();
    await this.outbox.add(manager, CardsAllocated, {
      subject: replacement.order_id,
      data: {
        orderId: replacement.order_id,
        allocationId,
        allocatedAt: new Date().toISOString(),
        replacesCardId: voidedCardId,
        lines: [{ lineId: replacement.line_id, productId: replacement.product_id, cards: [this.sealed(card)] }],
      },
    });
    return { status: 'allocated', cardId: card.id, allocationId };
  }

  private async fulfil(
    manager: EntityManager,
    orderId: string,
    allocationId: string,
    lines: readonly OrderLine[],
    causedBy: CausedBy | undefined,
  ): Promise<Exclude<AllocationOutcome, { status: 'cancelled' }>> {
    await manager.query('SAVEPOINT take_cards');
    const taken = new Map<string, TakenCard[]>();
    for (const line of lines) {
      taken.set(line.lineId, await this.takeCards(manager, line.productId, line.quantity));
    }
    const missing = shortages(lines, new Map([...taken].map(([lineId, cards]) => [lineId, cards.length])));

    if (missing.length > 0) {
      // All or nothing: the cards this order locked go back to stock for other orders at once.
      await manager.query('ROLLBACK TO SAVEPOINT take_cards');
      await manager.query('UPDATE order_allocations SET missing = $2 WHERE order_id = $1', [orderId, JSON.stringify(missing)]);
      return { status: 'waiting', orderId, missing, replayed: false };
    }
    await manager.query('RELEASE SAVEPOINT take_cards');

    const rows = lines.flatMap((line) => (taken.get(line.lineId) ?? []).map((card) => ({ line, card })));
    await manager.query(
      `INSERT INTO card_allocations (order_id, line_id, product_id, card_id, reusable)
       SELECT $1, t.line_id, t.product_id, t.card_id, t.reusable
       FROM unnest($2::text[], $3::text[], $4::uuid[], $5::boolean[]) AS t(line_id, product_id, card_id, reusable)`,
      [orderId, rows.map((r) => r.line.lineId), rows.map((r) => r.line.productId), rows.map((r) => r.card.id), rows.map((r) => r.card.reusable)],
    );
    await manager.query(`UPDATE order_allocations SET status = 'allocated', missing = NULL, fulfilled_at = now() WHERE order_id = $1`, [orderId]);
    await markStockChanged(
      manager,
      lines.map((l) => l.productId),
      orderId,
    );
    await this.outbox.add(manager, CardsAllocated, {
      subject: orderId,
      causedBy,
      data: {
        orderId,
        allocationId,
        allocatedAt: new Date().toISOString(),
        lines: lines.map((line) => ({
          lineId: line.lineId,
          productId: line.productId,
          cards: (taken.get(line.lineId) ?? []).map((card) => this.sealed(card)),
        })),
      },
    });
    return {
      status: 'allocated',
      orderId,
      allocationId,
      lines: lines.map((line) => ({ lineId: line.lineId, productId: line.productId, cardIds: (taken.get(line.lineId) ?? []).map((c) => c.id) })),
      replayed: false,
    };
  }

  private sealed(card: TakenCard) {
    return {
      cardId: card.id,
      secret: this.secrets.sealForDelivery(card.id, { keyId: card.key_id, iv: card.iv, ciphertext: card.ciphertext }),
      ...(card.expires_at ? { expiresAt: card.expires_at.toISOString() } : {}),
    };
  }

  private async takeCards(manager: EntityManager, productId: string, quantity: number): Promise<TakenCard[]> {
    const [pool] = await queryRows<Pool>(manager, 'SELECT mode, reusable_cap FROM card_pools WHERE product_id = $1', [productId]);
    if (!pool) return [];
    return pool.mode === 'reusable' ? this.takeReusable(manager, productId, quantity, pool.reusable_cap) : this.takeUnique(manager, productId, quantity);
  }

  /**
   * Takes up to `quantity` unexpired available cards, oldest first, skipping
   * rows other transactions hold. Marking them allocated at once also keeps a
   * second line of the same product from taking them again in this transaction.
   */
  private takeUnique(manager: EntityManager, productId: string, quantity: number): Promise<TakenCard[]> {
    return queryRows<TakenCard>(
      manager,
      `WITH picked AS (
         SELECT id FROM cards
         WHERE product_id = $1 AND status = 'available' AND (expires_at IS NULL OR expires_at > now())
         ORDER BY created_at
         LIMIT $2
         FOR UPDATE ${this.locking === 'skip-locked' ? 'SKIP LOCKED' : ''}
       )
       UPDATE cards c SET status = 'allocated', allocated_at = now(), sold_count = 1
       FROM picked WHERE c.id = picked.id
       RETURNING c.id, c.ciphertext, c.iv, c.key_id, c.expires_at, false AS reusable`,
      [productId, quantity],
    );
  }

  /**
   * Reusable pools sell one secret to many buyers, so buyers must not skip a
   * locked card (they would all find "nothing left"); they wait for it instead.
   * The cap is checked again on the locked row, so concurrent sales never
   * exceed it; a card that reaches its cap is no longer available.
   */
  private takeReusable(manager: EntityManager, productId: string, quantity: number, cap: number | null): Promise<TakenCard[]> {
    return queryRows<TakenCard>(
      manager,
      `WITH picked AS (
         SELECT id FROM cards
         WHERE product_id = $1 AND status = 'available' AND (expires_at IS NULL OR expires_at > now())
           AND ($3::int IS NULL OR sold_count < $3::int)
         ORDER BY created_at
         LIMIT $2
         FOR UPDATE
       )
       UPDATE cards c SET sold_count = c.sold_count + 1, allocated_at = now(),
         status = CASE WHEN $3::int IS NOT NULL AND c.sold_count + 1 >= $3::int THEN 'allocated' ELSE 'available' END
       FROM picked WHERE c.id = picked.id AND ($3::int IS NULL OR c.sold_count < $3::int)
       RETURNING c.id, c.ciphertext, c.iv, c.key_id, c.expires_at, true AS reusable`,
      [productId, quantity, cap],
    );
  }

  private async recordedOutcome(manager: EntityManager, orderId: string): Promise<AllocationOutcome> {
    const [order] = await queryRows<{ allocation_id: string; status: 'allocated' | 'waiting' | 'cancelled'; lines: OrderLine[]; missing: LineShortage[] | null }>(
      manager,
      'SELECT allocation_id, status, lines, missing FROM order_allocations WHERE order_id = $1',
      [orderId],
    );
    switch (order.status) {
      case 'cancelled':
        return { status: 'cancelled', orderId, replayed: true };
      case 'waiting':
        return { status: 'waiting', orderId, missing: order.missing ?? [], replayed: true };
      case 'allocated': {
        const cards = await queryRows<{ line_id: string; card_id: string }>(
          manager,
          'SELECT line_id, card_id FROM card_allocations WHERE order_id = $1 AND replaces_card_id IS NULL ORDER BY id',
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
  }
}
