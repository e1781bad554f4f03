import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A buyer's report of a card on the pickup page, as published in CardReported:
 * what the per-card and per-buyer limits count before anything is published.
 * The buyer is a keyed hash of the order's contact, never the contact itself.
 */
@Entity({ name: 'card_reports' })
@Check('ck_card_reports_via', `"via" IN ('link', 'code')`)
@Index('ix_card_reports_card', ['cardId', 'reportedAt'])
@Index('ix_card_reports_buyer', ['buyerKey', 'reportedAt'])
@Index('ix_card_reports_order', ['orderId'])
export class CardReport {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_card_reports' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'line_id', type: 'text' })
  lineId!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'card_id', type: 'text' })
  cardId!: string;

  @Column({ name: 'buyer_key', type: 'text' })
  buyerKey!: string;

  /** The buyer's words with the card's own code and password masked out. */
  @Column({ type: 'text' })
  note!: string;

  @Column({ type: 'text' })
  via!: 'link' | 'code';

  @CreateDateColumn({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}
