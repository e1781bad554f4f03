import type { SealedSecret } from '@cardlink/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A card allocated to an order line, kept exactly as it arrived: sealed. It is opened only in memory, to send or show it. */
@Entity({ name: 'allocated_cards' })
@Unique('uq_allocated_cards_allocation_card', ['allocationId', 'cardId'])
@Index('ix_allocated_cards_order', ['orderId'])
export class AllocatedCard {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_allocated_cards' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'allocation_id', type: 'text' })
  allocationId!: string;

  @Column({ name: 'line_id', type: 'text' })
  lineId!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'card_id', type: 'text' })
  cardId!: string;

  @Column({ type: 'jsonb' })
  sealed!: SealedSecret;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'allocated_at', type: 'timestamptz' })
  allocatedAt!: Date;

  /** Set when a replacement (CardsAllocated with replacesCardId) voids this card: it is no longer sent or shown. */
  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true })
  voidedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
