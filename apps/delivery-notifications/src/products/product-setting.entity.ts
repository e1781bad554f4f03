import type { DeliveryChannel } from '@cardlink/contracts';
import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** How one product is delivered, set by the catalog (ProductChanged) or by an admin; the latest write wins. */
@Entity({ name: 'product_settings' })
@Check('ck_product_settings_source', `"source" IN ('catalog', 'admin')`)
export class ProductSetting {
  @PrimaryColumn({ name: 'product_id', type: 'text', primaryKeyConstraintName: 'pk_product_settings' })
  productId!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  /** Null: the default (shop, plus email when the buyer gave one). */
  @Column({ type: 'jsonb', nullable: true })
  channels!: DeliveryChannel[] | null;

  @Column({ type: 'text' })
  source!: 'catalog' | 'admin';

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
