import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A card product as the merchant defines it; `revision` counts its changes (ProductChanged carries it). */
@Entity({ name: 'products' })
export class ProductRecord {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  /** Minor units. */
  @Column({ type: 'integer' })
  price!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'delivery_channels', type: 'text', array: true })
  deliveryChannels!: string[];

  @Column({ name: 'pool_mode', type: 'text' })
  poolMode!: string;

  @Column({ name: 'reusable_cap', type: 'integer', nullable: true })
  reusableCap!: number | null;

  @Column({ name: 'min_per_order', type: 'integer' })
  minPerOrder!: number;

  @Column({ name: 'max_per_order', type: 'integer' })
  maxPerOrder!: number;

  @Column({ name: 'low_stock_threshold', type: 'integer' })
  lowStockThreshold!: number;

  @Index('ix_products_status')
  @Column({ type: 'text' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
