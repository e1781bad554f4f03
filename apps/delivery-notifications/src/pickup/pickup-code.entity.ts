import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time code sent to the buyer's contact; only its HMAC is kept. */
@Entity({ name: 'pickup_codes' })
@Index('ix_pickup_codes_order', ['orderId'])
export class PickupCode {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_pickup_codes' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'code_hash', type: 'text' })
  codeHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
