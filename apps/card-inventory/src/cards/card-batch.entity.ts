import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CardPool } from './card-pool.entity';

export type BatchStatus = 'active' | 'voided';

/** One import: its cards can be listed and voided together. */
@Entity({ name: 'card_batches' })
@Check('ck_card_batches_status', `"status" IN ('active', 'voided')`)
@Index('ix_card_batches_product', ['productId', 'createdAt'])
export class CardBatch {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_card_batches' })
  id!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @ManyToOne(() => CardPool, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'product_id', referencedColumnName: 'productId', foreignKeyConstraintName: 'fk_card_batches_pool' })
  pool?: CardPool;

  @Column({ type: 'text', default: 'active' })
  status!: BatchStatus;

  @Column({ type: 'integer', default: 0 })
  accepted!: number;

  @Column({ type: 'integer', default: 0 })
  duplicates!: number;

  @Column({ type: 'integer', default: 0 })
  invalid!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
