import type { EntityManager } from 'typeorm';
import type { DeliveryChannel, PoolMode } from '@cardlink/contracts';
import { queryRows } from '../sync/rows';
import type { ProductDefinition, ProductStatus } from './product-rules';

export interface Product extends ProductDefinition {
  productId: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

interface ProductRow {
  id: string;
  revision: number;
  title: string;
  description: string;
  price: number;
  currency: string;
  delivery_channels: string[];
  pool_mode: string;
  reusable_cap: number | null;
  min_per_order: number;
  max_per_order: number;
  low_stock_threshold: number;
  status: string;
  created_at: Date;
  updated_at: Date;
  categories: string[] | null;
}

const SELECT_PRODUCT = `SELECT p.*, (SELECT array_agg(c.category_key ORDER BY c.category_key) FROM product_categories c WHERE c.product_id = p.id) AS categories FROM products p`;

function toProduct(row: ProductRow): Product {
  return {
    productId: row.id,
    revision: row.revision,
    title: row.title,
    description: row.description,
    price: row.price,
    currency: row.currency,
    deliveryChannels: row.delivery_channels as DeliveryChannel[],
    poolMode: row.pool_mode as PoolMode,
    reusableCap: row.reusable_cap,
    minPerOrder: row.min_per_order,
    maxPerOrder: row.max_per_order,
    lowStockThreshold: row.low_stock_threshold,
    categories: row.categories ?? [],
    status: row.status as ProductStatus,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Reads and writes products inside the caller's transaction. */
export class ProductStore {
  constructor(private readonly manager: EntityManager) {}

  async find(productId: string, lock = false): Promise<Product | undefined> {
    if (lock) await this.manager.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [productId]);
    const [row] = await queryRows<ProductRow>(this.manager, `${SELECT_PRODUCT} WHERE p.id = $1`, [productId]);
    return row ? toProduct(row) : undefined;
  }

  async list(filter: { status?: ProductStatus; limit: number; offset: number }): Promise<{ items: Product[]; total: number }> {
    const where = filter.status ? 'WHERE p.status = $3' : '';
    const params: unknown[] = [filter.limit, filter.offset, ...(filter.status ? [filter.status] : [])];
    const rows = await queryRows<ProductRow>(this.manager, `${SELECT_PRODUCT} ${where} ORDER BY p.created_at, p.id LIMIT $1 OFFSET $2`, params);
    const [{ total }] = await queryRows<{ total: number }>(
      this.manager,
      `SELECT count(*)::int AS total FROM products p ${filter.status ? 'WHERE p.status = $1' : ''}`,
      filter.status ? [filter.status] : [],
    );
    return { items: rows.map(toProduct), total };
  }

  /** Inserts the product; false when the id is taken. */
  async insert(productId: string, product: ProductDefinition): Promise<boolean> {
    const inserted = await queryRows<{ id: string }>(
      this.manager,
      `INSERT INTO products (id, revision, title, description, price, currency, delivery_channels, pool_mode, reusable_cap, min_per_order, max_per_order, low_stock_threshold, status)
       VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [productId, ...this.values(product)],
    );
    if (inserted.length === 0) return false;
    await this.replaceCategories(productId, product.categories);
    await this.manager.query('INSERT INTO shop_listings (product_id) VALUES ($1) ON CONFLICT DO NOTHING', [productId]);
    return true;
  }

  async update(productId: string, product: ProductDefinition): Promise<void> {
    await this.manager.query(
      `UPDATE products SET revision = revision + 1, title = $2, description = $3, price = $4, currency = $5, delivery_channels = $6, pool_mode = $7,
         reusable_cap = $8, min_per_order = $9, max_per_order = $10, low_stock_threshold = $11, status = $12, updated_at = now()
       WHERE id = $1`,
      [productId, ...this.values(product)],
    );
    await this.replaceCategories(productId, product.categories);
  }

  /** Category keys that have no mapping to a shop category. */
  async unmappedCategories(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const found = await queryRows<{ category_key: string }>(this.manager, 'SELECT category_key FROM category_mappings WHERE category_key = ANY($1)', [keys]);
    const known = new Set(found.map((r) => r.category_key));
    return keys.filter((k) => !known.has(k));
  }

  private async replaceCategories(productId: string, categories: readonly string[]): Promise<void> {
    await this.manager.query('DELETE FROM product_categories WHERE product_id = $1', [productId]);
    if (categories.length > 0) {
      await this.manager.query('INSERT INTO product_categories (product_id, category_key) SELECT $1, unnest($2::text[])', [productId, categories]);
    }
  }

  private values(p: ProductDefinition): unknown[] {
    return [p.title, p.description, p.price, p.currency, p.deliveryChannels, p.poolMode, p.reusableCap, p.minPerOrder, p.maxPerOrder, p.lowStockThreshold, p.status];
  }
}
