import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { CardBatch } from './card-batch.entity';

export type CardStatus = 'available' | 'allocated' | 'voided';

/**
 * One card. The secret exists only as AES-256-GCM ciphertext (the GCM tag
 * appended) under key `key_id`, bound to the card id; duplicates are found by
 * a keyed fingerprint, and staff see only the masked hint.
 */
@Entity({ name: 'cards' })
@Check('ck_cards_status', `"status" IN ('available', 'allocated', 'voided')`)
@Unique('uq_cards_product_fingerprint', ['productId', 'fingerprint'])
@Index('ix_cards_available', ['productId', 'createdAt'], { where: `status = 'available'` })
@Index('ix_cards_batch', ['batchId'])
@Index('ix_cards_key', ['keyId'])
export class Card {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_cards' })
  id!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  batchId!: string;

  @ManyToOne(() => CardBatch, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_cards_batch' })
  batch?: CardBatch;

  @Column({ type: 'text', default: 'available' })
  status!: CardStatus;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ type: 'bytea' })
  iv!: Buffer;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'bytea' })
  fingerprint!: Buffer;

  /** First and last two characters of the code, for staff to recognise a card. */
  @Column({ name: 'masked_hint', type: 'text' })
  maskedHint!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'allocated_at', type: 'timestamptz', nullable: true })
  allocatedAt!: Date | null;

  /** Buyers this card went to: at most 1 in a unique pool, up to the cap in a reusable one. */
  @Column({ name: 'sold_count', type: 'integer', default: 0 })
  soldCount!: number;

  @Column({ name: 'void_reason', type: 'text', nullable: true })
  voidReason!: string | null;

  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true })
  voidedAt!: Date | null;
}
