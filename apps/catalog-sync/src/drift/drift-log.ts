import type { EntityManager } from 'typeorm';
import { queryRows } from '../sync/rows';

export type DriftAction = 'reverted' | 'accepted' | 'reported' | 'lowered' | 'raised' | 'linked';
export type DriftSource = 'shop-event' | 'reconciliation';

export interface DriftEntry {
  productId: string | null;
  listingId: string;
  field: string;
  shopValue: string;
  platformValue: string;
  action: DriftAction;
  source: DriftSource;
}

export interface RecordedDrift extends DriftEntry {
  id: string;
  detectedAt: string;
}

/** Every difference found between the shop and the catalog, with what was done about it. */
export class DriftLog {
  constructor(private readonly manager: EntityManager) {}

  async record(entry: DriftEntry): Promise<void> {
    await this.manager.query(
      `INSERT INTO listing_drift (product_id, listing_id, field, shop_value, platform_value, action, source) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.productId, entry.listingId, entry.field, entry.shopValue.slice(0, 2000), entry.platformValue.slice(0, 2000), entry.action, entry.source],
    );
  }

  async list(filter: { productId?: string; action?: string; limit: number }): Promise<RecordedDrift[]> {
    const conditions: string[] = [];
    const params: unknown[] = [filter.limit];
    if (filter.productId) conditions.push(`product_id = $${params.push(filter.productId)}`);
    if (filter.action) conditions.push(`action = $${params.push(filter.action)}`);
    const rows = await queryRows<{
      id: string;
      product_id: string | null;
      listing_id: string;
      field: string;
      shop_value: string;
      platform_value: string;
      action: DriftAction;
      source: DriftSource;
      detected_at: Date;
    }>(this.manager, `SELECT * FROM listing_drift ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $1`, params);
    return rows.map((r) => ({
      id: r.id,
      productId: r.product_id,
      listingId: r.listing_id,
      field: r.field,
      shopValue: r.shop_value,
      platformValue: r.platform_value,
      action: r.action,
      source: r.source,
      detectedAt: r.detected_at.toISOString(),
    }));
  }
}
