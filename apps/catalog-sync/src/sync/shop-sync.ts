import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { withTransaction } from '@cardlink/persistence';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient } from '@cardlink/shop-client';
import type { CatalogConfig } from '../config';
import { ProductStore, type Product } from '../products/product-store';
import { StockLedger } from '../stock/stock-ledger';
import { adjustmentTowards, believedAfterAdjustment, nextStockCallAt, sellable } from '../stock/stock-policy';
import { queryRows } from './rows';
import { SyncQueue, type ClaimedTask } from './sync-queue';

export type SyncOutcome = { kind: 'done' } | { kind: 'later'; delayMs: number };

type SyncSettings = Pick<CatalogConfig, 'STOCK_SAFETY_MARGIN' | 'STOCK_MIN_INTERVAL_MS' | 'IN_FLIGHT_ALLOCATED_TTL_MS'>;

/** A listing create decided once and re-sent as is until the shop confirms it. */
interface CreateRequest {
  revision: number;
  body: Parameters<ShopClient['createListing']>[0];
}

/** The shop and the catalog disagree about a listing; retrying cannot help, a person must look. */
export class ListingConflict extends Error {
  override readonly name = 'ListingConflict';
}

interface ListingRow {
  create_request: string | null;
  listing_id: string | null;
  believed_stock: number;
  adjustment_seq: number;
  pending_delta: number | null;
  last_stock_call_at: Date | null;
}

/**
 * Carries out one queued task against the shop. The decision (what to send)
 * is committed before the call and the result after it; every call carries an
 * idempotency key derived from our own counters, so a call repeated after a
 * crash has one effect.
 */
@Injectable()
export class ShopSync {
  private readonly logger = new Logger(ShopSync.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopClient) private readonly shop: ShopClient,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
    @Inject(SERVICE_CONFIG) private readonly config: SyncSettings,
  ) {}

  async run(task: ClaimedTask): Promise<SyncOutcome> {
    switch (task.kind) {
      case 'listing':
        return this.syncListing(task);
      case 'stock':
        return this.syncStock(task);
    }
  }

  ledger(manager: EntityManager): StockLedger {
    return new StockLedger(manager, { allocatedTtlMs: this.config.IN_FLIGHT_ALLOCATED_TTL_MS });
  }

  /** The stock the shop should show for a product now. */
  async target(manager: EntityManager, productId: string): Promise<number> {
    const figures = await this.ledger(manager).figures(productId);
    return sellable({ ...figures, safetyMargin: this.config.STOCK_SAFETY_MARGIN });
  }

  /** The listing as the shop should show it: our fields, our categories mapped to the shop's. */
  async desiredListing(manager: EntityManager, product: Product): Promise<{ title: string; description: string; price: { amount: number; currency: string }; categoryIds: string[]; status: 'listed' | 'delisted' }> {
    const categories = await queryRows<{ shop_category_id: string }>(
      manager,
      `SELECT DISTINCT m.shop_category_id FROM product_categories c JOIN category_mappings m ON m.category_key = c.category_key
       WHERE c.product_id = $1 ORDER BY m.shop_category_id`,
      [product.productId],
    );
    return {
      title: product.title,
      description: product.description,
      price: { amount: product.price, currency: product.currency },
      categoryIds: categories.map((c) => c.shop_category_id),
      status: product.status === 'listed' ? 'listed' : 'delisted',
    };
  }

  private async syncListing(task: ClaimedTask): Promise<SyncOutcome> {
    const state = await withTransaction(this.dataSource, async (manager) => {
      const product = await new ProductStore(manager).find(task.productId);
      if (!product || product.status === 'draft') return undefined;
      const [listing] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE product_id = $1 FOR UPDATE', [task.productId]);
      const desired = await this.desiredListing(manager, product);
      const listingId = listing?.listing_id ?? null;
      // Never on the shop: nothing to delist.
      if (listingId === null && product.status !== 'listed') return { kind: 'nothing' as const };
      if (listingId !== null) return { kind: 'update' as const, product, listingId, desired };
      // The create request is decided once: a retry must send the same body under the same key.
      if (listing?.create_request) return { kind: 'create' as const, product, create: JSON.parse(listing.create_request) as CreateRequest };
      const create: CreateRequest = { revision: product.revision, body: { externalId: product.productId, ...desired, stock: await this.target(manager, product.productId) } };
      await manager.query('UPDATE shop_listings SET create_request = $2 WHERE product_id = $1', [product.productId, JSON.stringify(create)]);
      return { kind: 'create' as const, product, create };
    });
    if (!state || state.kind === 'nothing') return { kind: 'done' };
    const { product } = state;
    const listing =
      state.kind === 'create'
        ? await this.shop.createListing(state.create.body, { idempotencyKey: `listing-create:${product.productId}` })
        : await this.shop.updateListing(state.listingId, state.desired, { idempotencyKey: `listing:${product.productId}:${task.version}` });
    if (state.kind === 'create') this.logger.log({ productId: product.productId, listingId: listing.listingId, stock: listing.stock }, 'listing created');
    await withTransaction(this.dataSource, async (manager) => {
      const [owner] = await queryRows<{ product_id: string }>(manager, 'SELECT product_id FROM shop_listings WHERE listing_id = $1 AND product_id <> $2', [
        listing.listingId,
        product.productId,
      ]);
      if (owner) {
        throw new ListingConflict(
          `the shop answered with listing ${listing.listingId} for product ${product.productId}, but that listing belongs to product ${owner.product_id} here: the shop and the catalog disagree (a shop reset, or a catalog restored from elsewhere); run a reconciliation and repair the mapping`,
        );
      }
      const pushedRevision = state.kind === 'create' ? state.create.revision : product.revision;
      await manager.query(
        `UPDATE shop_listings SET listing_id = $2, pushed_revision = $3, last_synced_at = now(),
           believed_stock = CASE WHEN listing_id IS NULL THEN $4 ELSE believed_stock END,
           shop_stock_seen = $4, create_request = NULL
         WHERE product_id = $1`,
        [product.productId, listing.listingId, pushedRevision, listing.stock],
      );
      if (state.kind === 'create') {
        // The target may have moved while the listing was being created, and the product too.
        await this.queue.request(manager, product.productId, 'stock');
        if (pushedRevision < product.revision) await this.queue.request(manager, product.productId, 'listing');
      }
    });
    return { kind: 'done' };
  }

  private async syncStock(task: ClaimedTask): Promise<SyncOutcome> {
    const [current] = await queryRows<ListingRow>(this.dataSource.manager, 'SELECT * FROM shop_listings WHERE product_id = $1', [task.productId]);
    // No listing yet: creating it sets the stock.
    if (!current?.listing_id) return { kind: 'done' };
    const listingId = current.listing_id;
    const now = Date.now();
    const dueAt = nextStockCallAt(current.last_stock_call_at?.getTime(), now, this.config.STOCK_MIN_INTERVAL_MS);
    if (dueAt > now) return { kind: 'later', delayMs: dueAt - now };

    const decision = await withTransaction(this.dataSource, async (manager) => {
      const [row] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE product_id = $1 FOR UPDATE', [task.productId]);
      if (!row) return undefined;
      if (row.pending_delta !== null) return { delta: row.pending_delta, seq: row.adjustment_seq };
      const target = await this.target(manager, task.productId);
      const delta = adjustmentTowards(target, row.believed_stock);
      if (delta === 0) return undefined;
      const seq = row.adjustment_seq + 1;
      await manager.query('UPDATE shop_listings SET adjustment_seq = $2, pending_delta = $3 WHERE product_id = $1', [task.productId, seq, delta]);
      return { delta, seq };
    });
    if (!decision) return { kind: 'done' };

    const level = await this.shop.adjustStock(listingId, decision.delta, 'cardlink stock sync', { idempotencyKey: `stock:${task.productId}:${decision.seq}` });
    await withTransaction(this.dataSource, async (manager) => {
      const [row] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE product_id = $1 FOR UPDATE', [task.productId]);
      if (!row || row.adjustment_seq !== decision.seq || row.pending_delta === null) return;
      const believed = believedAfterAdjustment(row.believed_stock, level.applied);
      this.logger.log(
        { productId: task.productId, seq: decision.seq, delta: decision.delta, applied: level.applied, believedBefore: row.believed_stock, believed, shopStock: level.stock },
        'stock adjusted on the shop',
      );
      await manager.query(
        `UPDATE shop_listings SET believed_stock = $2, pending_delta = NULL, last_stock_call_at = now(), shop_stock_seen = $3, last_synced_at = now()
         WHERE product_id = $1`,
        [task.productId, believed, level.stock],
      );
      // Changes that arrived during the call: one more call, after the interval.
      if ((await this.target(manager, task.productId)) !== believed) await this.queue.request(manager, task.productId, 'stock');
    });
    return { kind: 'done' };
  }
}
