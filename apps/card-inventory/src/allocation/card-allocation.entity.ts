import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Card } from '../cards/card.entity';
import { OrderAllocation } from './order-allocation.entity';

/** A card given to an order line. The unique card id is what makes "a card goes to at most one order" a database fact. */
@Entity({ name: 'card_allocations' })
// A unique pool's card goes to one order only; a reusable pool's card to many, each once per line.
@Index('uq_card_allocations_card', ['cardId'], { unique: true, where: 'reusable = false' })
@Unique('uq_card_allocations_order_line_card', ['orderId', 'lineId', 'cardId'])
@Index('ix_card_allocations_order', ['orderId'])
export class CardAllocation {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_card_allocations' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @ManyToOne(() => OrderAllocation, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_card_allocations_order' })
  order?: OrderAllocation;

  @Column({ name: 'line_id', type: 'text' })
  lineId!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'card_id', type: 'uuid' })
  cardId!: string;

  @ManyToOne(() => Card, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'card_id', foreignKeyConstraintName: 'fk_card_allocations_card' })
  card?: Card;

  @Column({ type: 'boolean', default: false })
  reusable!: boolean;

  /** Set when this card replaces a voided one on the same line. */
  @Column({ name: 'replaces_card_id', type: 'uuid', nullable: true })
  replacesCardId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
