import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, Unique, type ValueTransformer } from 'typeorm';
import { OrderRecord } from '../orders/order.entities';

const minorUnits: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

export const REFUND_REQUEST_STATUSES = ['pending', 'acknowledged', 'superseded'] as const;
export type RefundRequestStatus = (typeof REFUND_REQUEST_STATUSES)[number];

/**
 * A refund to ask the shop for, kept until the shop acknowledges it (an outbox
 * of calls): written in the transaction that moves the order to
 * REFUND_REQUESTED, sent by the RefundSender with retries. Its id is the
 * refundId the shop sees on every attempt, so the buyer is refunded once.
 */
@Entity({ name: 'refund_requests' })
@Unique('uq_refund_requests_order', ['orderId'])
@Check('ck_refund_requests_status', `"status" IN ('pending', 'acknowledged', 'superseded')`)
@Index('ix_refund_requests_due', ['status', 'nextAttemptAt'])
export class RefundRequestRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_refund_requests' })
  id!: string;

  /** One refund per order: an order's money goes back once, in full. */
  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @OneToOne(() => OrderRecord, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_refund_requests_order' })
  order?: OrderRecord;

  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  @Column({ type: 'bigint', transformer: minorUnits })
  amount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** pending until the shop accepts it; superseded when the shop refunded the order on its own first. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When a sender may next take it; while a call is in flight, the end of that sender's lease. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;
}
