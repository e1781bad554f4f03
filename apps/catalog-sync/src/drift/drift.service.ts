import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '@cardlink/contracts';
import { withTransaction } from '@cardlink/persistence';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient, type Listing } from '@cardlink/shop-client';
import type { CatalogConfig } from '../config';
import { ProductStore } from '../products/product-store';
import { ProductsService } from '../products/products.service';
import { checkShopStock } from '../stock/stock-policy';
import { queryRows } from '../sync/rows';
import { ShopSync } from '../sync/shop-sync';
import { SyncQueue } from '../sync/sync-queue';
import { DriftLog, type DriftAction, type DriftEntry, type DriftSource } from './drift-log';
import { decideDrift, type FieldAction } from './field-policy';
import { compareListing, type ListingView } from './listing-comparison';

const RECORDED_AS: Record<FieldAction, DriftAction> = { revert: 'reverted', accept: 'accepted', report: 'reported' };

export interface ReconciliationReport {
  startedAt: string;
  finishedAt: string;
  listingsChecked: number;
  /** Differences fixed (reverted, accepted, stock lowered or raised, listing linked or created). */
  fixed: DriftEntry[];
  /** Differences left for a person (policy `report`, unknown listings, a shortfall that may be sales in transit). */
  reported: DriftEntry[];
}

interface ListingRow {
  product_id: string;
  listing_id: string | null;
  believed_stock: number;
  pending_delta: number | null;
  shortfall_seen: number | null;
  sale_heard_since_check: boolean;
}

/**
 * Shop-side changes, from `product updated` events and from reconciliation:
 * each differing field is reverted, accepted or reported by the field policy
 * and recorded as drift.
 */
@Injectable()
export class DriftService {
  private readonly logger = new Logger(DriftService.name);
  private running?: Promise<ReconciliationReport>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopClient) private readonly shop: ShopClient,
    @Inject(ShopSync) private readonly sync: ShopSync,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
    @Inject(ProductsService) private readonly products: ProductsService,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CatalogConfig, 'SHOP_FIELD_POLICY'>,
  ) {}

  /** A listing changed on the shop side (ShopProductUpdated), in the inbox transaction. */
  async onShopChange(manager: EntityManager, listingId: string, shops: ListingView & { stock?: number }, cause: EventEnvelope): Promise<DriftEntry[]> {
    const [row] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE listing_id = $1 FOR UPDATE', [listingId]);
    if (!row) {
      const entry: DriftEntry = { productId: null, listingId, field: 'listing', shopValue: 'changed on the shop', platformValue: 'no product maps to this listing', action: 'reported', source: 'shop-event' };
      await new DriftLog(manager).record(entry);
      return [entry];
    }
    const entries = await this.applyFieldPolicy(manager, row.product_id, listingId, shops, 'shop-event', cause);
    if (shops.stock !== undefined && row.pending_delta === null) {
      // Only a higher count is acted on here: a lower one may be sales we have not heard of yet (reconciliation decides).
      const check = checkShopStock(shops.stock, row.believed_stock, undefined, true);
      if (check.kind === 'over') entries.push(await this.realignStock(manager, row, shops.stock, 'lowered', 'shop-event'));
    }
    return entries;
  }

  /** Recent drift, newest first. */
  async drift(filter: { productId?: string; action?: string; limit: number }) {
    return new DriftLog(this.dataSource.manager).list(filter);
  }

  /** Compares every shop listing with the catalog; one run at a time per process. */
  async reconcile(): Promise<ReconciliationReport> {
    this.running ??= this.reconcileOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async reconcileOnce(): Promise<ReconciliationReport> {
    const startedAt = new Date().toISOString();
    const report: ReconciliationReport = { startedAt, finishedAt: startedAt, listingsChecked: 0, fixed: [], reported: [] };
    const seenProducts = new Set<string>();
    for await (const listing of this.shop.allListings()) {
      report.listingsChecked += 1;
      const entries = await withTransaction(this.dataSource, (manager) => this.reconcileListing(manager, listing));
      for (const entry of entries) {
        if (entry.productId) seenProducts.add(entry.productId);
        (entry.action === 'reported' ? report.reported : report.fixed).push(entry);
      }
      if (listing.externalId) seenProducts.add(listing.externalId);
    }
    await withTransaction(this.dataSource, async (manager) => {
      // Listed products the shop does not show (e.g. created and then lost): create their listings.
      const missing = await queryRows<{ id: string }>(
        manager,
        `SELECT p.id FROM products p JOIN shop_listings l ON l.product_id = p.id WHERE p.status = 'listed' AND l.listing_id IS NULL`,
      );
      for (const { id } of missing.filter((m) => !seenProducts.has(m.id))) {
        await this.queue.request(manager, id, 'listing');
        const entry: DriftEntry = { productId: id, listingId: '(none)', field: 'listing', shopValue: 'missing', platformValue: 'listed', action: 'linked', source: 'reconciliation' };
        await new DriftLog(manager).record(entry);
        report.fixed.push(entry);
      }
      await this.sync.ledger(manager).expire();
    });
    report.finishedAt = new Date().toISOString();
    this.logger.log({ listingsChecked: report.listingsChecked, fixed: report.fixed.length, reported: report.reported.length }, 'reconciliation finished');
    return report;
  }

  private async reconcileListing(manager: EntityManager, listing: Listing): Promise<DriftEntry[]> {
    const log = new DriftLog(manager);
    const [row] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE listing_id = $1 FOR UPDATE', [listing.listingId]);
    if (!row) {
      const [unlinked] = await queryRows<ListingRow>(manager, 'SELECT * FROM shop_listings WHERE product_id = $1 AND listing_id IS NULL FOR UPDATE', [listing.externalId]);
      if (!unlinked) {
        const entry: DriftEntry = { productId: null, listingId: listing.listingId, field: 'listing', shopValue: `externalId ${listing.externalId}`, platformValue: 'no product maps to this listing', action: 'reported', source: 'reconciliation' };
        await log.record(entry);
        return [entry];
      }
      // We created it but crashed before recording its id: adopt it with the stock it shows.
      await manager.query('UPDATE shop_listings SET listing_id = $2, believed_stock = $3, shop_stock_seen = $3 WHERE product_id = $1', [unlinked.product_id, listing.listingId, listing.stock]);
      const entry: DriftEntry = { productId: unlinked.product_id, listingId: listing.listingId, field: 'listing', shopValue: listing.listingId, platformValue: '(not recorded)', action: 'linked', source: 'reconciliation' };
      await log.record(entry);
      await this.queue.request(manager, unlinked.product_id, 'stock');
      return [entry];
    }
    const entries = await this.applyFieldPolicy(
      manager,
      row.product_id,
      listing.listingId,
      { title: listing.title, description: listing.description, price: listing.price, categoryIds: listing.categoryIds, status: listing.status },
      'reconciliation',
    );
    const [busy] = await queryRows<{ busy: boolean }>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM sync_tasks WHERE product_id = $1 AND kind = 'stock' AND status = 'pending') AS busy`,
      [row.product_id],
    );
    // A stock call queued or in flight explains any difference; the next run looks again.
    if (busy?.busy || row.pending_delta !== null) return entries;
    const check = checkShopStock(listing.stock, row.believed_stock, row.shortfall_seen ?? undefined, row.sale_heard_since_check);
    switch (check.kind) {
      case 'in-step':
        await manager.query('UPDATE shop_listings SET shortfall_seen = NULL, sale_heard_since_check = false, shop_stock_seen = $2 WHERE product_id = $1', [row.product_id, listing.stock]);
        break;
      case 'over':
        entries.push(await this.realignStock(manager, row, listing.stock, 'lowered', 'reconciliation'));
        break;
      case 'under':
        if (check.persistent) {
          entries.push(await this.realignStock(manager, row, listing.stock, 'raised', 'reconciliation'));
        } else {
          await manager.query('UPDATE shop_listings SET shortfall_seen = $2, sale_heard_since_check = false, shop_stock_seen = $3 WHERE product_id = $1', [
            row.product_id,
            row.believed_stock - listing.stock,
            listing.stock,
          ]);
          const entry: DriftEntry = { productId: row.product_id, listingId: listing.listingId, field: 'stock', shopValue: String(listing.stock), platformValue: String(row.believed_stock), action: 'reported', source: 'reconciliation' };
          await new DriftLog(manager).record(entry);
          entries.push(entry);
        }
        break;
    }
    return entries;
  }

  /** Takes the shop's count as what it shows and lets the stock sync move it to the target by delta. */
  private async realignStock(manager: EntityManager, row: ListingRow, shopStock: number, action: 'lowered' | 'raised', source: DriftSource): Promise<DriftEntry> {
    await manager.query('UPDATE shop_listings SET believed_stock = $2, shop_stock_seen = $2, shortfall_seen = NULL, sale_heard_since_check = false WHERE product_id = $1', [row.product_id, shopStock]);
    await this.queue.request(manager, row.product_id, 'stock');
    const target = await this.sync.target(manager, row.product_id);
    const entry: DriftEntry = { productId: row.product_id, listingId: row.listing_id ?? '(none)', field: 'stock', shopValue: String(shopStock), platformValue: String(target), action, source };
    await new DriftLog(manager).record(entry);
    return entry;
  }

  private async applyFieldPolicy(manager: EntityManager, productId: string, listingId: string, shops: ListingView, source: DriftSource, cause?: EventEnvelope): Promise<DriftEntry[]> {
    const product = await new ProductStore(manager).find(productId);
    if (!product || product.status === 'draft') return [];
    const ours = await this.sync.desiredListing(manager, product);
    const decisions = decideDrift(compareListing(ours, shops), this.config.SHOP_FIELD_POLICY);
    const log = new DriftLog(manager);
    const entries: DriftEntry[] = [];
    const adopted: { title?: string; description?: string } = {};
    for (const decision of decisions) {
      const entry: DriftEntry = { productId, listingId, field: decision.field, shopValue: decision.shops, platformValue: decision.ours, action: RECORDED_AS[decision.action], source };
      await log.record(entry);
      entries.push(entry);
      if (decision.action === 'accept' && (decision.field === 'title' || decision.field === 'description')) adopted[decision.field] = decision.shops;
    }
    if (decisions.some((d) => d.action === 'revert')) await this.queue.request(manager, productId, 'listing');
    if (Object.keys(adopted).length > 0) await this.products.adoptFromShop(manager, productId, adopted, cause);
    if (entries.length > 0) this.logger.warn({ productId, listingId, source, drift: entries.map((e) => `${e.field}:${e.action}`) }, 'listing drift');
    return entries;
  }
}
