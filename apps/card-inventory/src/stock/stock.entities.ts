import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * "This product's stock may have changed." Insert-only, so the transactions
 * that change stock never wait on each other for a shared row; the stock
 * publisher folds all marks of a product into one event. An allocation's mark
 * names the order.
 */
@Entity({ name: 'stock_marks' })
export class StockMark {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_stock_marks' })
  id!: string;

  @Column({ name: 'product_id', type: 'text' })
  productId!: string;

  @Column({ name: 'order_id', type: 'text', nullable: true })
  orderId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** What was last published for a product: its available count, the event sequence and whether it is below its threshold. */
@Entity({ name: 'stock_states' })
export class StockState {
  @PrimaryColumn({ name: 'product_id', type: 'text', primaryKeyConstraintName: 'pk_stock_states' })
  productId!: string;

  @Column({ type: 'integer' })
  available!: number;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'boolean', default: false })
  low!: boolean;

  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;
}
