import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BuyerErasureRequested } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { ErasureRecord, normaliseContact, personalData } from '@cardlink/personal-data';
import { erasedBuyer } from './buyer-column';
import { type ErasureRequestBody, matchKeysOf } from './erasure-request';

export interface ErasedOrder {
  id: string;
  shopOrderId: string;
}

export interface ErasureOutcome {
  erasureId: string;
  orderIds: string[];
}

/**
 * Takes a buyer's contacts out of the orders schema: the buyer of each order
 * (sealed contacts and match keys), payer accounts, and published outbox rows
 * of those orders (OrderPaid carried the contacts), and the buyer's key and
 * note on after-sale cases. Amounts, states, payments
 * and refunds stay, so every financial total is unchanged.
 */
export async function eraseOrders(manager: EntityManager, orders: readonly ErasedOrder[], erasureId: string, at: Date): Promise<void> {
  if (orders.length === 0) return;
  const ids = orders.map((o) => o.id);
  const shopOrderIds = orders.map((o) => o.shopOrderId);
  await manager.query('UPDATE orders SET buyer = $2 WHERE id = ANY($1::uuid[])', [ids, JSON.stringify(erasedBuyer(erasureId, at))]);
  await manager.query('UPDATE payments SET account = NULL WHERE order_id = ANY($1::uuid[]) AND account IS NOT NULL', [ids]);
  await manager.query('UPDATE unmatched_payments SET account = NULL WHERE shop_order_id = ANY($1::text[]) AND account IS NOT NULL', [shopOrderIds]);
  // A buyer's note is their own words and may hold a contact; a shop dispute's reason is the shop's.
  await manager.query(
    `UPDATE aftersale_cases SET buyer_id = 'erased', note = CASE WHEN source = 'buyer-report' THEN 'erased' ELSE note END WHERE order_id = ANY($1::uuid[])`,
    [ids],
  );
  // Unpublished rows stay: they are on their way to Kafka, and the relay deletes them an hour after publishing.
  await manager.query('DELETE FROM outbox WHERE published_at IS NOT NULL AND message_key = ANY($1::text[])', [[...ids, ...shopOrderIds]]);
}

/** Erases one buyer on staff request, keeps the audit row and asks every other service to do the same. */
@Injectable()
export class BuyerErasure {
  constructor(@Inject(Outbox) private readonly outbox: Outbox) {}

  async erase(manager: EntityManager, request: ErasureRequestBody, requestedBy: string): Promise<ErasureOutcome> {
    const matchKeys = matchKeysOf(request, personalData());
    const orders = await this.ordersOf(manager, request, matchKeys);
    const erasureId = randomUUID();
    const at = new Date();
    await eraseOrders(manager, orders, erasureId, at);
    await manager.getRepository(ErasureRecord).insert({
      id: erasureId,
      cause: 'request',
      requestedBy,
      reason: request.reason,
      identifierKinds: matchKeys.map((k) => k.kind),
      orderIds: orders.map((o) => o.id),
      ordersErased: orders.length,
      erasedAt: at,
    });
    await this.outbox.add(manager, BuyerErasureRequested, {
      subject: erasureId,
      id: erasureId,
      data: {
        erasureId,
        matchKeys,
        orderIds: orders.map((o) => o.id),
        shopOrderIds: orders.map((o) => o.shopOrderId),
        requestedBy,
        requestedAt: at.toISOString(),
      },
    });
    return { erasureId, orderIds: orders.map((o) => o.id) };
  }

  /** Protected rows by match key; rows stored before protection by their normalised identifiers. */
  private async ordersOf(manager: EntityManager, request: ErasureRequestBody, matchKeys: { kind: string; key: string }[]): Promise<ErasedOrder[]> {
    const key = (kind: string) => matchKeys.find((k) => k.kind === kind)?.key ?? null;
    const plain = (kind: 'buyerId' | 'email' | 'phone') => {
      const value = request[kind];
      return value === undefined ? null : (normaliseContact(kind, value) ?? null);
    };
    const rows = (await manager.query(
      `SELECT id, shop_order_id FROM orders
        WHERE (buyer ? 'keys' AND (buyer->'keys'->>'buyerId' = $1 OR buyer->'keys'->>'email' = $2 OR buyer->'keys'->>'phone' = $3))
           OR (NOT buyer ? 'keys' AND NOT buyer ? 'erasedAt' AND (
                btrim(buyer->>'buyerId') = $4 OR lower(btrim(buyer->>'email')) = $5 OR regexp_replace(buyer->>'phone', '\\D', '', 'g') = $6))
        ORDER BY ordered_at, id
        FOR UPDATE`,
      [key('buyerId'), key('email'), key('phone'), plain('buyerId'), plain('email'), plain('phone')],
    )) as { id: string; shop_order_id: string }[];
    return rows.map((r) => ({ id: r.id, shopOrderId: r.shop_order_id }));
  }
}
