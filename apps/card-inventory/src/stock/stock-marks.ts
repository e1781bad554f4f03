import type { EntityManager } from 'typeorm';

/**
 * Notes, inside the caller's transaction, that these products' stock may have
 * changed (see StockMark). An allocation names its order, so the count that
 * first includes it can say so.
 */
export async function markStockChanged(manager: EntityManager, productIds: Iterable<string>, allocatedOrderId?: string): Promise<void> {
  const distinct = [...new Set(productIds)];
  if (distinct.length === 0) return;
  await manager.query('INSERT INTO stock_marks (product_id, order_id) SELECT unnest($1::text[]), $2::text', [distinct, allocatedOrderId ?? null]);
}
