import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * 商品映射: the shop listing that sells a product, and what we believe the
 * shop shows as its stock (see stock-policy.ts).
 */
@Entity({ name: 'shop_listings' })
export class ShopListing {
  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId!: string;

  @Index('ux_shop_listings_listing_id', { unique: true })
  @Column({ name: 'listing_id', type: 'text', nullable: true })
  listingId!: string | null;

  /** The product revision the shop last accepted. */
  @Column({ name: 'pushed_revision', type: 'integer', default: 0 })
  pushedRevision!: number;

  @Column({ name: 'believed_stock', type: 'integer', default: 0 })
  believedStock!: number;

  /** Number of stock adjustments decided so far; the idempotency key of each includes it. */
  @Column({ name: 'adjustment_seq', type: 'integer', default: 0 })
  adjustmentSeq!: number;

  /** An adjustment decided but not yet confirmed by the shop: sent again with the same key after a crash or failure. */
  @Column({ name: 'pending_delta', type: 'integer', nullable: true })
  pendingDelta!: number | null;

  @Column({ name: 'last_stock_call_at', type: 'timestamptz', nullable: true })
  lastStockCallAt!: Date | null;

  /** The stock the shop reported last (after our call or a reconciliation), for people reading the mapping. */
  @Column({ name: 'shop_stock_seen', type: 'integer', nullable: true })
  shopStockSeen!: number | null;

  /** Shortfall (believed − shop) the previous reconciliation saw, and whether a sale was heard since. */
  @Column({ name: 'shortfall_seen', type: 'integer', nullable: true })
  shortfallSeen!: number | null;

  @Column({ name: 'sale_heard_since_check', type: 'boolean', default: false })
  saleHeardSinceCheck!: boolean;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;

  /**
   * The first create request sent for this product, as JSON text: a retry sends
   * it again, byte for byte (jsonb would reorder its keys), since the shop
   * refuses one idempotency key with two bodies.
   */
  @Column({ name: 'create_request', type: 'text', nullable: true })
  createRequest!: string | null;
}

/**
 * Work owed to the shop, one row per product and kind. A row is a marker, not
 * a payload: the worker reads the current state when it runs, so a burst of
 * changes becomes one call. `version` grows with every new request, so work
 * that arrives while a call is in flight is not lost when the call completes.
 */
@Entity({ name: 'sync_tasks' })
export class SyncTask {
  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId!: string;

  /** `listing` (create, update, delist) or `stock`. */
  @PrimaryColumn({ type: 'text' })
  kind!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  /** `pending` or `failed` (a permanent shop error; waits for a person or the next change). */
  @Column({ type: 'text', default: 'pending' })
  status!: string;

  @Index('ix_sync_tasks_due')
  @Column({ name: 'due_at', type: 'timestamptz', default: () => 'now()' })
  dueAt!: Date;

  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true })
  leasedUntil!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A difference between the shop's listing and the catalog, and what was done about it. */
@Entity({ name: 'listing_drift' })
export class ListingDrift {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('ix_listing_drift_product')
  @Column({ name: 'product_id', type: 'text', nullable: true })
  productId!: string | null;

  @Column({ name: 'listing_id', type: 'text' })
  listingId!: string;

  /** A listing field, `stock`, or `listing` (a shop listing we do not know). */
  @Column({ type: 'text' })
  field!: string;

  @Column({ name: 'shop_value', type: 'text' })
  shopValue!: string;

  @Column({ name: 'platform_value', type: 'text' })
  platformValue!: string;

  /** `reverted`, `accepted`, `reported`, `lowered` or `raised` (stock). */
  @Column({ type: 'text' })
  action!: string;

  /** `shop-event` or `reconciliation`. */
  @Column({ type: 'text' })
  source!: string;

  @Index('ix_listing_drift_detected')
  @CreateDateColumn({ name: 'detected_at', type: 'timestamptz' })
  detectedAt!: Date;
}
