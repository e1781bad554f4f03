import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every attempt to see cards on the pickup page, granted or not; also what the rate limits count. */
@Entity({ name: 'pickup_audit' })
@Check('ck_pickup_audit_method', `"method" IN ('link', 'code_request', 'code_lookup', 'report')`)
@Check('ck_pickup_audit_outcome', `"outcome" IN ('shown', 'refused', 'rate_limited', 'code_sent', 'reported', 'report_refused')`)
@Index('ix_pickup_audit_ip', ['ip', 'at'])
@Index('ix_pickup_audit_order', ['orderId', 'at'])
export class PickupAudit {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_pickup_audit' })
  id!: string;

  @Column({ name: 'order_id', type: 'text', nullable: true })
  orderId!: string | null;

  @Column({ type: 'text' })
  method!: 'link' | 'code_request' | 'code_lookup' | 'report';

  @Column({ type: 'text' })
  outcome!: 'shown' | 'refused' | 'rate_limited' | 'code_sent' | 'reported' | 'report_refused';

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text' })
  ip!: string;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
