import type { EntityManager } from 'typeorm';
import { queryRows } from '../sync/rows';
import { believedAfterSale } from './stock-policy';

/** The in-flight line's order is linked to our order and a count of the product has named that order. */
const COUNTED = `EXISTS (SELECT 1 FROM order_links l JOIN counted_orders c ON c.order_id = l.order_id
                WHERE l.shop_order_id = f.shop_order_id AND c.product_id = f.product_id)`;

/** The in-flight line's shop order was cancelled or refunded before allocation (possibly before we heard of the sale). */
const WITHDRAWN = `EXISTS (SELECT 1 FROM withdrawn_orders w WHERE w.shop_order_id = f.shop_order_id)`;

/** No allocation of the shop order `alias` is known. */
const notAllocated = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM order_links l JOIN order_allocations a ON a.order_id = l.order_id WHERE l.shop_order_id = ${alias})`;

export interface SoldLine {
  productId: string;
  quantity: number;
}

/**
 * The inputs of the stock policy, kept in catalog-sync's tables inside the
 * handlers' transactions: available cards (StockChanged), shop orders not yet
 * allocated (in_flight_orders) and what we believe the shop shows.
 */
export class StockLedger {
  constructor(
    private readonly manager: EntityManager,
    private readonly settings: { allocatedTtlMs: number },
  ) {}

  /**
   * Available cards and units in flight for one product. A line stops being in
   * flight once a count of the product names its order (StockChanged.
   * countedOrderIds): from then on `available` already reflects it; or once
   * its order is withdrawn before allocation. Evaluated here, when read,
   * because the sale, the order link, the count and the withdrawal arrive on
   * different topics in any order (and two of them may commit at once).
   */
  async figures(productId: string): Promise<{ available: number; inFlight: number }> {
    const [row] = await queryRows<{ available: number; in_flight: number }>(
      this.manager,
      `SELECT COALESCE((SELECT available FROM product_stock WHERE product_id = $1), 0)::int AS available,
              COALESCE((SELECT sum(f.quantity) FROM in_flight_orders f
                        WHERE f.product_id = $1 AND f.settled_at IS NULL AND NOT ${COUNTED} AND NOT ${WITHDRAWN}), 0)::int AS in_flight`,
      [productId],
    );
    return { available: row?.available ?? 0, inFlight: row?.in_flight ?? 0 };
  }

  /**
   * A count from card-inventory; a count older than the one we hold does not
   * replace it. The orders it names are recorded either way: counts only grow
   * to include more allocations, so the newer count we hold includes them too.
   */
  async recordCount(count: { productId: string; available: number; sequence: number; at: string; countedOrderIds?: readonly string[] }): Promise<void> {
    await this.manager.query(
      `INSERT INTO product_stock (product_id, available, sequence, counted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, sequence = EXCLUDED.sequence, counted_at = EXCLUDED.counted_at
       WHERE product_stock.sequence < EXCLUDED.sequence`,
      [count.productId, count.available, count.sequence, count.at],
    );
    await this.manager.query(
      `UPDATE product_stock SET low_since = NULL, low_threshold = NULL WHERE product_id = $1 AND low_threshold IS NOT NULL AND available >= low_threshold`,
      [count.productId],
    );
    if (count.countedOrderIds?.length) {
      await this.manager.query(
        `INSERT INTO counted_orders (order_id, product_id, sequence) SELECT unnest($1::text[]), $2, $3 ON CONFLICT DO NOTHING`,
        [count.countedOrderIds, count.productId, count.sequence],
      );
      await this.manager.query(
        `UPDATE in_flight_orders f SET settled_at = now() FROM order_links l
         WHERE l.order_id = ANY($1::text[]) AND f.shop_order_id = l.shop_order_id AND f.product_id = $2 AND f.settled_at IS NULL`,
        [count.countedOrderIds, count.productId],
      );
    }
  }

  /**
   * Lines of this shop order that a count already names stop being in flight
   * for good. figures() would leave them out anyway, but only by looking them
   * up on every read: without this, every allocated line stayed in the rows it
   * scans until the allocated TTL, so reading the stock grew with the backlog.
   */
  private async settleCounted(shopOrderId: string): Promise<void> {
    await this.manager.query(
      `UPDATE in_flight_orders f SET settled_at = now() WHERE f.shop_order_id = $1 AND f.settled_at IS NULL AND ${COUNTED}`,
      [shopOrderId],
    );
  }

  /** card-inventory reports the product below its low-stock threshold (once per crossing); shown on the product's mapping. */
  async recordLow(low: { productId: string; available: number; threshold: number; at: string }): Promise<void> {
    await this.manager.query(
      `UPDATE product_stock SET low_since = COALESCE(low_since, $3::timestamptz), low_threshold = $2 WHERE product_id = $1 AND available < $2`,
      [low.productId, low.threshold, low.at],
    );
  }

  /**
   * The shop sold these lines (it has already lowered its stock). Counted once
   * per shop order and product, however often the shop reports the order;
   * only products with a listing count. Returns the products affected.
   */
  async recordSale(shopOrderId: string, lines: readonly SoldLine[]): Promise<string[]> {
    const perProduct = new Map<string, number>();
    for (const line of lines) perProduct.set(line.productId, (perProduct.get(line.productId) ?? 0) + line.quantity);
    const affected: string[] = [];
    for (const [productId, quantity] of perProduct) {
      const [listing] = await queryRows<{ believed_stock: number }>(
        this.manager,
        'SELECT believed_stock FROM shop_listings WHERE product_id = $1 AND listing_id IS NOT NULL FOR UPDATE',
        [productId],
      );
      if (!listing) continue;
      // A sale heard after its order was withdrawn is settled from the start.
      const inserted = await queryRows<{ product_id: string }>(
        this.manager,
        `INSERT INTO in_flight_orders (shop_order_id, product_id, quantity, settled_at)
         VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM withdrawn_orders WHERE shop_order_id = $1) THEN now() END)
         ON CONFLICT DO NOTHING RETURNING product_id`,
        [shopOrderId, productId, quantity],
      );
      if (inserted.length === 0) continue;
      await this.manager.query('UPDATE shop_listings SET believed_stock = $2, sale_heard_since_check = true WHERE product_id = $1', [
        productId,
        believedAfterSale(listing.believed_stock, quantity),
      ]);
      affected.push(productId);
    }
    // The link and the count may have come before the sale.
    if (affected.length > 0) await this.settleCounted(shopOrderId);
    return affected;
  }

  /** order-processing approved the shop order as our order `orderId`. Returns the order's products. */
  async linkOrder(shopOrderId: string, orderId: string): Promise<string[]> {
    await this.manager.query('INSERT INTO order_links (shop_order_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [shopOrderId, orderId]);
    await this.settleCounted(shopOrderId);
    return this.productsOf(orderId);
  }

  /**
   * card-inventory allocated the order: from now on a cancellation no longer
   * frees its lines (the cards are gone); they leave when a count names them.
   */
  async recordAllocation(orderId: string, allocatedAt: string): Promise<void> {
    await this.manager.query('INSERT INTO order_allocations (order_id, allocated_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orderId, allocatedAt]);
  }

  private async productsOf(orderId: string): Promise<string[]> {
    const rows = await queryRows<{ product_id: string }>(
      this.manager,
      'SELECT DISTINCT f.product_id FROM in_flight_orders f JOIN order_links l ON l.shop_order_id = f.shop_order_id WHERE l.order_id = $1',
      [orderId],
    );
    return rows.map((r) => r.product_id);
  }

  /**
   * The order will get no cards (cancelled, rejected and refunded): its
   * unallocated lines stop counting, and so do those of a sale we hear of
   * later (the withdrawal is recorded). Allocated lines wait for their count.
   * Returns the products affected.
   */
  async withdraw(match: { shopOrderId: string } | { orderId: string }): Promise<string[]> {
    const shopOrders =
      'shopOrderId' in match ? 'SELECT $1::text AS shop_order_id' : 'SELECT l.shop_order_id FROM order_links l WHERE l.order_id = $1';
    const key = 'shopOrderId' in match ? match.shopOrderId : match.orderId;
    await this.manager.query(
      `INSERT INTO withdrawn_orders (shop_order_id) SELECT o.shop_order_id FROM (${shopOrders}) o WHERE ${notAllocated('o.shop_order_id')} ON CONFLICT DO NOTHING`,
      [key],
    );
    const rows = await queryRows<{ product_id: string }>(
      this.manager,
      `UPDATE in_flight_orders f SET settled_at = now()
       WHERE f.shop_order_id IN (SELECT o.shop_order_id FROM (${shopOrders}) o) AND f.settled_at IS NULL AND ${notAllocated('f.shop_order_id')}
       RETURNING f.product_id`,
      [key],
    );
    return rows.map((r) => r.product_id);
  }

  /**
   * Allocated orders no count ever named (allocated by a card-inventory that
   * did not yet name orders in its counts) leave after the TTL; settled rows
   * are forgotten after a week.
   */
  async expire(): Promise<void> {
    await this.manager.query(
      `UPDATE in_flight_orders f SET settled_at = now() FROM order_links l JOIN order_allocations a ON a.order_id = l.order_id
       WHERE f.settled_at IS NULL AND l.shop_order_id = f.shop_order_id AND a.allocated_at < now() - make_interval(secs => $1::double precision / 1000)`,
      [this.settings.allocatedTtlMs],
    );
    await this.manager.query(`DELETE FROM in_flight_orders WHERE settled_at < now() - interval '7 days'`);
    await this.manager.query(`DELETE FROM order_allocations WHERE allocated_at < now() - interval '7 days'`);
    await this.manager.query(`DELETE FROM order_links WHERE linked_at < now() - interval '7 days'`);
    await this.manager.query(`DELETE FROM counted_orders WHERE counted_at < now() - interval '7 days'`);
    await this.manager.query(`DELETE FROM withdrawn_orders WHERE withdrawn_at < now() - interval '7 days'`);
  }
}
