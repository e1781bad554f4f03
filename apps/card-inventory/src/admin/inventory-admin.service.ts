import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../rows';
import { CardSecrets } from '../secrets/card-secrets';
import type { CardSecret } from '../secrets/card-secret';
import { markStockChanged } from '../stock/stock-marks';
import type { PoolSettings } from './admin-requests';

export interface PoolView {
  productId: string;
  mode: string;
  reusableCap: number | null;
  lowStockThreshold: number;
  cards: { available: number; allocated: number; voided: number };
  waitingOrders: number;
}

/** A card as staff see it in lists: never the secret, only its first and last two characters. */
export interface CardView {
  cardId: string;
  batchId: string;
  status: string;
  masked: string;
  soldCount: number;
  keyId: string;
  expiresAt: string | null;
  createdAt: string;
  voidReason: string | null;
}

export interface RevealedCard extends CardSecret {
  cardId: string;
  revealedBy: string;
  revealedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The staff view of stock: pools, batches, masked cards, and audited reveals. */
@Injectable()
export class InventoryAdminService {
  constructor(@Inject(CardSecrets) private readonly secrets: CardSecrets) {}

  async pools(manager: EntityManager): Promise<PoolView[]> {
    const rows = await queryRows<{
      product_id: string;
      mode: string;
      reusable_cap: number | null;
      low_stock_threshold: number;
      available: number;
      allocated: number;
      voided: number;
      waiting: number;
    }>(
      manager,
      `SELECT p.product_id, p.mode, p.reusable_cap, p.low_stock_threshold,
         COALESCE(c.available, 0) AS available, COALESCE(c.allocated, 0) AS allocated, COALESCE(c.voided, 0) AS voided,
         (SELECT count(*)::int FROM order_allocations o WHERE o.status = 'waiting' AND o.lines @> jsonb_build_array(jsonb_build_object('productId', p.product_id))) AS waiting
       FROM card_pools p
       LEFT JOIN (
         SELECT product_id,
           count(*) FILTER (WHERE status = 'available')::int AS available,
           count(*) FILTER (WHERE status = 'allocated')::int AS allocated,
           count(*) FILTER (WHERE status = 'voided')::int AS voided
         FROM cards GROUP BY product_id
       ) c ON c.product_id = p.product_id
       ORDER BY p.product_id`,
    );
    return rows.map((r) => ({
      productId: r.product_id,
      mode: r.mode,
      reusableCap: r.reusable_cap,
      lowStockThreshold: r.low_stock_threshold,
      cards: { available: r.available, allocated: r.allocated, voided: r.voided },
      waitingOrders: r.waiting,
    }));
  }

  /**
   * Creates or changes a pool. The delivery mode can change only before the
   * first sale: a reusable card already sold to many must not become unique.
   */
  async configurePool(manager: EntityManager, productId: string, settings: PoolSettings): Promise<PoolView> {
    await manager.query('INSERT INTO card_pools (product_id) VALUES ($1) ON CONFLICT (product_id) DO NOTHING', [productId]);
    const [pool] = await queryRows<{ mode: string }>(manager, 'SELECT mode FROM card_pools WHERE product_id = $1 FOR UPDATE', [productId]);
    if (settings.mode !== undefined && settings.mode !== pool.mode) {
      const [{ sold }] = await queryRows<{ sold: boolean }>(manager, 'SELECT EXISTS (SELECT 1 FROM card_allocations WHERE product_id = $1) AS sold', [productId]);
      if (sold) throw new ConflictException(`product ${productId} has sold cards; its delivery mode can no longer change`);
    }
    await manager.query(
      `UPDATE card_pools SET
         mode = COALESCE($2, mode),
         reusable_cap = CASE WHEN $3::boolean THEN $4::int ELSE reusable_cap END,
         low_stock_threshold = COALESCE($5, low_stock_threshold)
       WHERE product_id = $1`,
      [productId, settings.mode ?? null, settings.reusableCap !== undefined, settings.reusableCap ?? null, settings.lowStockThreshold ?? null],
    );
    await markStockChanged(manager, [productId]);
    const views = await this.pools(manager);
    return views.find((p) => p.productId === productId) as PoolView;
  }

  async batches(manager: EntityManager, productId: string) {
    const rows = await queryRows<{ id: string; status: string; accepted: number; duplicates: number; invalid: number; created_at: Date; available: number; sold: number }>(
      manager,
      `SELECT b.id, b.status, b.accepted, b.duplicates, b.invalid, b.created_at,
         (SELECT count(*)::int FROM cards c WHERE c.batch_id = b.id AND c.status = 'available') AS available,
         (SELECT count(*)::int FROM cards c WHERE c.batch_id = b.id AND c.sold_count > 0) AS sold
       FROM card_batches b WHERE b.product_id = $1 ORDER BY b.created_at, b.id`,
      [productId],
    );
    return rows.map((r) => ({
      batchId: r.id,
      status: r.status,
      accepted: r.accepted,
      duplicates: r.duplicates,
      invalid: r.invalid,
      available: r.available,
      sold: r.sold,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async cards(manager: EntityManager, productId: string, query: { status?: string; limit: number; offset: number }): Promise<CardView[]> {
    const rows = await queryRows<{
      id: string;
      batch_id: string;
      status: string;
      masked_hint: string;
      sold_count: number;
      key_id: string;
      expires_at: Date | null;
      created_at: Date;
      void_reason: string | null;
    }>(
      manager,
      `SELECT id, batch_id, status, masked_hint, sold_count, key_id, expires_at, created_at, void_reason FROM cards
       WHERE product_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at, id LIMIT $3 OFFSET $4`,
      [productId, query.status ?? null, query.limit, query.offset],
    );
    return rows.map((r) => ({
      cardId: r.id,
      batchId: r.batch_id,
      status: r.status,
      masked: r.masked_hint,
      soldCount: r.sold_count,
      keyId: r.key_id,
      expiresAt: iso(r.expires_at),
      createdAt: r.created_at.toISOString(),
      voidReason: r.void_reason,
    }));
  }

  /** What card-inventory did with an order: waiting (backorder), allocated or cancelled, with masked cards. */
  async order(manager: EntityManager, orderId: string) {
    const [order] = await queryRows<{ status: string; lines: unknown; missing: unknown; created_at: Date; fulfilled_at: Date | null; cancelled_at: Date | null; cancel_reason: string | null }>(
      manager,
      'SELECT status, lines, missing, created_at, fulfilled_at, cancelled_at, cancel_reason FROM order_allocations WHERE order_id = $1',
      [orderId],
    );
    if (!order) throw new NotFoundException(`card-inventory has no order ${orderId}`);
    const cards = await queryRows<{ line_id: string; card_id: string; masked_hint: string; status: string; replaces_card_id: string | null }>(
      manager,
      `SELECT ca.line_id, ca.card_id, c.masked_hint, c.status, ca.replaces_card_id FROM card_allocations ca JOIN cards c ON c.id = ca.card_id
       WHERE ca.order_id = $1 ORDER BY ca.id`,
      [orderId],
    );
    return {
      orderId,
      status: order.status,
      lines: order.lines,
      missing: order.missing,
      waitingSince: order.status === 'waiting' ? order.created_at.toISOString() : null,
      fulfilledAt: iso(order.fulfilled_at),
      cancelledAt: iso(order.cancelled_at),
      cancelReason: order.cancel_reason,
      cards: cards.map((c) => ({ lineId: c.line_id, cardId: c.card_id, masked: c.masked_hint, status: c.status, replacesCardId: c.replaces_card_id })),
    };
  }

  /** Orders waiting for cards, oldest first: the order in which imports will serve them. */
  async backorders(manager: EntityManager) {
    const rows = await queryRows<{ order_id: string; lines: unknown; missing: unknown; created_at: Date }>(
      manager,
      `SELECT order_id, lines, missing, created_at FROM order_allocations WHERE status = 'waiting' ORDER BY created_at, order_id LIMIT 1000`,
    );
    return rows.map((r) => ({ orderId: r.order_id, lines: r.lines, missing: r.missing, waitingSince: r.created_at.toISOString() }));
  }

  /** Shows a card's secret to a member of staff. The audit row commits with the reveal or not at all. */
  async reveal(manager: EntityManager, cardId: string, revealedBy: string, reason: string): Promise<RevealedCard> {
    const [card] = await queryRows<{ ciphertext: Buffer; iv: Buffer; key_id: string }>(manager, 'SELECT ciphertext, iv, key_id FROM cards WHERE id = $1', [cardId]);
    if (!card) throw new NotFoundException(`card ${cardId} does not exist`);
    const [audit] = await queryRows<{ revealed_at: Date }>(
      manager,
      'INSERT INTO card_reveals (card_id, revealed_by, reason) VALUES ($1, $2, $3) RETURNING revealed_at',
      [cardId, revealedBy, reason],
    );
    const secret = this.secrets.reveal(cardId, { keyId: card.key_id, iv: card.iv, ciphertext: card.ciphertext });
    return { cardId, ...secret, revealedBy, revealedAt: audit.revealed_at.toISOString() };
  }

  async reveals(manager: EntityManager, cardId: string) {
    const rows = await queryRows<{ revealed_by: string; reason: string; revealed_at: Date }>(
      manager,
      'SELECT revealed_by, reason, revealed_at FROM card_reveals WHERE card_id = $1 ORDER BY id',
      [cardId],
    );
    return rows.map((r) => ({ revealedBy: r.revealed_by, reason: r.reason, revealedAt: r.revealed_at.toISOString() }));
  }
}
