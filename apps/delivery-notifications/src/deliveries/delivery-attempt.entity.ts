import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Delivery } from './delivery.entity';

/** One try of one delivery and how it ended; the error never holds a card secret. */
@Entity({ name: 'delivery_attempts' })
@Check('ck_delivery_attempts_outcome', `"outcome" IN ('succeeded', 'transient', 'permanent')`)
@Index('ix_delivery_attempts_delivery', ['deliveryId'])
export class DeliveryAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_delivery_attempts' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => Delivery, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_delivery_attempts_delivery' })
  delivery?: Delivery;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  outcome!: 'succeeded' | 'transient' | 'permanent';

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;
}
