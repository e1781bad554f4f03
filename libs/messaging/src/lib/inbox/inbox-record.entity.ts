import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event a consumer group has handled. Inserted in the same transaction as
 * the handler's effect, so a redelivered event finds its row and is skipped.
 */
@Entity({ name: 'inbox' })
@Index('inbox_processed_at_idx', ['processedAt'])
export class InboxRecord {
  @PrimaryColumn({ name: 'consumer_group', type: 'text', primaryKeyConstraintName: 'PK_inbox' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'PK_inbox' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
