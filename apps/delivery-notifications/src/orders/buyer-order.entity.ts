import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What delivery needs to know about a paid order: the shop's order number and
 * how to reach the buyer. Taken from OrderPaid; contacts are masked wherever
 * they are shown or logged.
 */
@Entity({ name: 'buyer_orders' })
@Index('ix_buyer_orders_shop_order', ['shopOrderId'])
export class BuyerOrder {
  @PrimaryColumn({ name: 'order_id', type: 'text', primaryKeyConstraintName: 'pk_buyer_orders' })
  orderId!: string;

  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt!: Date;

  /** Set by OrderCancelled: nothing more is sent for this order. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
