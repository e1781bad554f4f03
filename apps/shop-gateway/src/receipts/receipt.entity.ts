import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A webhook or payment callback the gateway accepted. Written in the same
 * transaction as the event it produced, so a replayed delivery finds its row and
 * changes nothing. Kept longer than any sender retries.
 */
@Entity({ name: 'receipt' })
@Index('receipt_received_at_idx', ['receivedAt'])
export class Receipt {
  /** Who sent it: `shop`, or `payment:<provider>`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_receipt' })
  sender!: string;

  /** The sender's id of the delivery: the webhook id, or the provider's trade number. */
  @PrimaryColumn({ name: 'delivery_id', type: 'text', primaryKeyConstraintName: 'PK_receipt' })
  deliveryId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
