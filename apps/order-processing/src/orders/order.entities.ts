import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, type ValueTransformer } from 'typeorm';
import type { Buyer } from '@cardlink/contracts';
import { protectedBuyerColumn, sealedPayerAccountColumn } from '../privacy/buyer-column';

/** Money is bigint in the table (minor units can outgrow int4) and a safe integer in code. */
const minorUnits: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'orders' })
@Unique('uq_orders_shop_order_id', ['shopOrderId'])
@Index('ix_orders_state_ordered_at', ['state', 'orderedAt'])
@Index('ix_orders_ordered_at', ['orderedAt'])
// updated_at changes only with the state, so it is when the order entered it (the out-of-stock sweep reads it).
@Index('ix_orders_state_updated_at', ['state', 'updatedAt'])
export class OrderRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_orders' })
  id!: string;

  /** The shop's id: the only key orders are created by, so a repeated report finds the same order. */
  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Column({ type: 'text' })
  state!: string;

  /** As the shop reported it, sealed at rest with match keys for erasure (see privacy/buyer-column); contacts are masked wherever shown. */
  @Column({ type: 'jsonb', transformer: protectedBuyerColumn })
  buyer!: Buyer;

  @Column({ name: 'total_amount', type: 'bigint', transformer: minorUnits })
  totalAmount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'ordered_at', type: 'timestamptz' })
  orderedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'order_lines' })
export class OrderLineRecord {
  @PrimaryColumn({ name: 'order_id', type: 'uuid', primaryKeyConstraintName: 'pk_order_lines' })
  orderId!: string;

  @PrimaryColumn({ name: 'line_id', type: 'text', primaryKeyConstraintName: 'pk_order_lines' })
  lineId!: string;

  @ManyToOne(() => OrderRecord, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_lines_order' })
  order?: OrderRecord;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'shop_listing_id', type: 'text', nullable: true })
  shopListingId!: string | null;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'unit_price', type: 'bigint', transformer: minorUnits })
  unitPrice!: number;
}

/** A payment attached to its order, with what it did there. */
@Entity({ name: 'payments' })
@Check('ck_payments_outcome', `"outcome" IN ('matched', 'held', 'surplus')`)
@Index('ix_payments_order', ['orderId'])
export class PaymentRecord {
  /** The payment's id at its channel; the same money reported twice is one row. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_payments' })
  reference!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @ManyToOne(() => OrderRecord, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_payments_order' })
  order?: OrderRecord;

  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Column({ type: 'text' })
  channel!: string;

  /** the payer's account at the channel (often a phone or email): sealed at rest */
  @Column({ type: 'text', nullable: true, transformer: sealedPayerAccountColumn })
  account!: string | null;

  @Column({ type: 'bigint', transformer: minorUnits })
  amount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt!: Date;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'cause_event_id', type: 'text' })
  causeEventId!: string;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}

/** A payment whose order has not arrived yet; moved to payments when it does. */
@Entity({ name: 'unmatched_payments' })
@Index('ix_unmatched_payments_shop_order', ['shopOrderId', 'receivedAt'])
export class UnmatchedPaymentRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_unmatched_payments' })
  reference!: string;

  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Column({ type: 'text' })
  channel!: string;

  /** the payer's account at the channel (often a phone or email): sealed at rest */
  @Column({ type: 'text', nullable: true, transformer: sealedPayerAccountColumn })
  account!: string | null;

  @Column({ type: 'bigint', transformer: minorUnits })
  amount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt!: Date;

  @Column({ name: 'cause_event_id', type: 'text' })
  causeEventId!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

/** Every state an order went through, with the event that caused it and when. */
@Entity({ name: 'order_state_history' })
@Index('ix_order_state_history_order', ['orderId', 'id'])
export class OrderStateHistoryRecord {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_order_state_history' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @ManyToOne(() => OrderRecord, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_order_state_history_order' })
  order?: OrderRecord;

  /** Null for the order's creation. */
  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'text' })
  toState!: string;

  @Column({ type: 'text' })
  trigger!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'cause_event_id', type: 'text' })
  causeEventId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}

export const ORDER_ENTITIES = [OrderRecord, OrderLineRecord, PaymentRecord, UnmatchedPaymentRecord, OrderStateHistoryRecord];
