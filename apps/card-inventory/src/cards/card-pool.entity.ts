import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PoolMode } from '@cardlink/contracts';

/** The card stock of one catalog product and how it is sold. */
@Entity({ name: 'card_pools' })
@Check('ck_card_pools_mode', `"mode" IN ('unique', 'reusable')`)
@Check('ck_card_pools_reusable_cap', `"reusable_cap" IS NULL OR "reusable_cap" > 0`)
@Check('ck_card_pools_low_stock_threshold', `"low_stock_threshold" >= 0`)
export class CardPool {
  @PrimaryColumn({ name: 'product_id', type: 'text', primaryKeyConstraintName: 'pk_card_pools' })
  productId!: string;

  /** unique: each card is sold once; reusable: one secret is sold to many buyers (a shared account). */
  @Column({ type: 'text', default: 'unique' })
  mode!: PoolMode;

  /** How many buyers one reusable card may go to; null means no limit. */
  @Column({ name: 'reusable_cap', type: 'integer', nullable: true })
  reusableCap!: number | null;

  @Column({ name: 'low_stock_threshold', type: 'integer', default: 0 })
  lowStockThreshold!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
