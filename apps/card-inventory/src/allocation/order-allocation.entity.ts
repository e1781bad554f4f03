import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type OrderAllocationStatus = 'allocated' | 'waiting' | 'cancelled';

/**
 * The outcome for one approved order: its cards were allocated, or it waits
 * for stock. One row per order makes handling an order idempotent on its own,
 * whether or not the inbox saw the event before.
 */
@Entity({ name: 'order_allocations' })
@Check('ck_order_allocations_status', `"status" IN ('allocated', 'waiting', 'cancelled')`)
@Index('ix_order_allocations_waiting', ['createdAt'], { where: `status = 'waiting'` })
@Unique('uq_order_allocations_allocation', ['allocationId'])
export class OrderAllocation {
  @PrimaryColumn({ name: 'order_id', type: 'text', primaryKeyConstraintName: 'pk_order_allocations' })
  orderId!: string;

  @Column({ name: 'allocation_id', type: 'uuid' })
  allocationId!: string;

  @Column({ type: 'text' })
  status!: OrderAllocationStatus;

  /** The lines as approved: what a waiting order still needs. */
  @Column({ type: 'jsonb' })
  lines!: { lineId: string; productId: string; quantity: number }[];

  /** What was missing when the order last found too few cards. */
  @Column({ type: 'jsonb', nullable: true })
  missing!: { lineId: string; productId: string; requested: number; available: number }[] | null;

  /** Oldest first: the order in which waiting orders get newly imported cards. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'fulfilled_at', type: 'timestamptz', nullable: true })
  fulfilledAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;
}
