import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** 商品映射 of categories: one of our category keys and the shop category it stands for. */
@Entity({ name: 'category_mappings' })
export class CategoryMapping {
  @PrimaryColumn({ name: 'category_key', type: 'text' })
  categoryKey!: string;

  @Column({ name: 'shop_category_id', type: 'text' })
  shopCategoryId!: string;

  @Column({ type: 'text' })
  name!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A product sits in any number of categories. */
@Entity({ name: 'product_categories' })
export class ProductCategory {
  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId!: string;

  @Index('ix_product_categories_category')
  @PrimaryColumn({ name: 'category_key', type: 'text' })
  categoryKey!: string;
}
