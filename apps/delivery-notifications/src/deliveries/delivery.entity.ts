import type { DeliveryChannel } from '@cardlink/contracts';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { DeliveryStatus } from './delivery-policy';

/**
 * The cards of one allocation of an order line through one channel. The unique
 * key is what makes "nothing is sent twice" a database fact; the allocation in
 * it lets a replacement card (a later allocation) be delivered on its own.
 */
@Entity({ name: 'deliveries' })
@Unique('uq_deliveries_order_line_channel_allocation', ['orderId', 'lineId', 'channel', 'allocationId'])
@Check('ck_deliveries_status', `"status" IN ('pending', 'succeeded', 'failed', 'withheld', 'cancelled')`)
@Check('ck_deliveries_channel', `"channel" IN ('shop', 'email', 'sms', 'webhook')`)
@Index('ix_deliveries_due', ['status', 'nextAttemptAt'])
export class Delivery {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_deliveries' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'line_id', type: 'text' })
  lineId!: string;

  /** The allocation whose cards this delivery carries. */
  @Column({ name: 'allocation_id', type: 'text' })
  allocationId!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ type: 'text' })
  channel!: DeliveryChannel;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'boolean', default: false })
  permanent!: boolean;

  /** When the cards were allocated: the age that decides whether an email or SMS is still worth sending. */
  @Column({ name: 'allocated_at', type: 'timestamptz' })
  allocatedAt!: Date;

  /** The correlation id of the order's flow, carried on to the events about this delivery. */
  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  /** W3C trace context of the message that created or requeued the delivery: its send and outcome continue that trace. */
  @Column({ name: 'trace_context', type: 'jsonb', nullable: true })
  traceContext!: Record<string, string> | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
