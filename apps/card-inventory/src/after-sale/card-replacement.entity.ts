import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Card } from '../cards/card.entity';

export type ReplacementStatus = 'waiting' | 'allocated' | 'cancelled';

/**
 * A sold card that staff voided, and the card that replaces it on the same
 * order line (a reusable card: one replacement per buyer). Waits like a
 * backorder when the product has no card at the time.
 */
@Entity({ name: 'card_replacements' })
@Check('ck_card_replacements_status', `"status" IN ('waiting', 'allocated', 'cancelled')`)
@Index('ix_card_replacements_waiting', ['createdAt'], { where: `status = 'waiting'` })
export class CardReplacement {
  @PrimaryColumn({ name: 'voided_card_id', type: 'uuid', primaryKeyConstraintName: 'pk_card_replacements' })
  voidedCardId!: string;

  @ManyToOne(() => Card, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'voided_card_id', foreignKeyConstraintName: 'fk_card_replacements_card' })
  voidedCard?: Card;

  @PrimaryColumn({ name: 'order_id', type: 'text', primaryKeyConstraintName: 'pk_card_replacements' })
  orderId!: string;

  @PrimaryColumn({ name: 'line_id', type: 'text', primaryKeyConstraintName: 'pk_card_replacements' })
  lineId!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ type: 'text', default: 'waiting' })
  status!: ReplacementStatus;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'voided_by', type: 'text' })
  voidedBy!: string;

  @Column({ name: 'replacement_card_id', type: 'uuid', nullable: true })
  replacementCardId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'allocated_at', type: 'timestamptz', nullable: true })
  allocatedAt!: Date | null;
}
