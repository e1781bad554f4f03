import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Card } from '../cards/card.entity';

/** The audit trail of staff reading a card secret: who, when, which card and why. */
@Entity({ name: 'card_reveals' })
@Index('ix_card_reveals_card', ['cardId'])
export class CardReveal {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_card_reveals' })
  id!: string;

  @Column({ name: 'card_id', type: 'uuid' })
  cardId!: string;

  @ManyToOne(() => Card, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'card_id', foreignKeyConstraintName: 'fk_card_reveals_card' })
  card?: Card;

  @Column({ name: 'revealed_by', type: 'text' })
  revealedBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @CreateDateColumn({ name: 'revealed_at', type: 'timestamptz' })
  revealedAt!: Date;
}
