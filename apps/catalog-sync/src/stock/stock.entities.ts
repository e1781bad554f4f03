import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The last StockChanged of a product: cards card-inventory can still allocate. */
@Entity({ name: 'product_stock' })
export class ProductStock {
  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ type: 'integer' })
  available!: number;

  @Column({ type: 'integer' })
  sequence!: number;

  /** When card-inventory counted. */
  @Column({ name: 'counted_at', type: 'timestamptz' })
  countedAt!: Date;

  /** Since when the count is below the product's low-stock threshold (StockLow); cleared by a count back at or above it. */
  @Column({ name: 'low_since', type: 'timestamptz', nullable: true })
  lowSince!: Date | null;

  @Column({ name: 'low_threshold', type: 'integer', nullable: true })
  lowThreshold!: number | null;
}

/**
 * A shop order line the shop has sold (and lowered its stock for). It counts
 * as in flight until a count names its order (an order link and a counted
 * order, which arrive on different topics in any order: settled when the last
 * of sale, link and count arrives), or until the order is cancelled or
 * refunded before allocation (`settled_at`).
 */
@Entity({ name: 'in_flight_orders' })
@Index('ix_in_flight_orders_unsettled', ['productId'], { where: 'settled_at IS NULL' })
export class InFlightOrder {
  @PrimaryColumn({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ type: 'integer' })
  quantity!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When it stopped counting; kept a while so a late duplicate report of the sale cannot count it again. */
  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;
}

/** When card-inventory allocated an order (it may arrive before we know which shop order it is). */
@Entity({ name: 'order_allocations' })
export class OrderAllocation {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'allocated_at', type: 'timestamptz' })
  allocatedAt!: Date;
}

/** Which shop order our order is (from OrderApproved). */
@Entity({ name: 'order_links' })
export class OrderLink {
  @PrimaryColumn({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Index('ix_order_links_order')
  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}

/** card-inventory's count of the product with this sequence was the first to include the order's allocation. */
@Entity({ name: 'counted_orders' })
export class CountedOrder {
  @PrimaryColumn({ name: 'order_id', type: 'text', primaryKeyConstraintName: 'pk_counted_orders' })
  orderId!: string;

  @PrimaryColumn({ name: 'product_id', type: 'text', primaryKeyConstraintName: 'pk_counted_orders' })
  productId!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @CreateDateColumn({ name: 'counted_at', type: 'timestamptz' })
  countedAt!: Date;
}

/**
 * A shop order cancelled or refunded before allocation. Kept because the sale
 * itself may reach us after that (different topics, a restarted consumer): a
 * sale of a withdrawn order never counts as in flight.
 */
@Entity({ name: 'withdrawn_orders' })
export class WithdrawnOrder {
  @PrimaryColumn({ name: 'shop_order_id', type: 'text', primaryKeyConstraintName: 'pk_withdrawn_orders' })
  shopOrderId!: string;

  @CreateDateColumn({ name: 'withdrawn_at', type: 'timestamptz' })
  withdrawnAt!: Date;
}
