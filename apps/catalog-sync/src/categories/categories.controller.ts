import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { RequireScopes } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { parseInput } from '../http-input';
import { queryRows } from '../sync/rows';
import { SyncQueue } from '../sync/sync-queue';
import { SyncWorker } from '../sync/sync-worker';

const CategoryKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'category keys are 1-64 lower-case letters, digits, dot, dash or underscore');
const CategoryMappingInput = z.strictObject({
  shopCategoryId: z.string().trim().min(1, 'the shop category id must not be empty').max(128),
  name: z.string().trim().min(1, 'must not be empty').max(200),
});

export interface CategoryView {
  categoryKey: string;
  shopCategoryId: string;
  name: string;
  products: number;
}

/** The category mapping table: our category keys and the shop categories they stand for. */
@Controller('categories')
export class CategoriesController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
    @Inject(SyncWorker) private readonly worker: SyncWorker,
  ) {}

  @Get()
  @RequireScopes('catalog:read')
  async list(): Promise<CategoryView[]> {
    const rows = await queryRows<{ category_key: string; shop_category_id: string; name: string; products: number }>(
      this.dataSource.manager,
      `SELECT m.category_key, m.shop_category_id, m.name, (SELECT count(*)::int FROM product_categories c WHERE c.category_key = m.category_key) AS products
       FROM category_mappings m ORDER BY m.category_key`,
    );
    return rows.map((r) => ({ categoryKey: r.category_key, shopCategoryId: r.shop_category_id, name: r.name, products: r.products }));
  }

  /** Creates or changes a mapping; listings of products in the category are updated on the shop. */
  @Put(':categoryKey')
  @RequireScopes('catalog:write')
  async put(@Param('categoryKey') key: string, @Body() body: unknown): Promise<CategoryView> {
    const categoryKey = parseInput(CategoryKey, key, 'category key');
    const input = parseInput(CategoryMappingInput, body, 'category mapping');
    const view = await this.unitOfWork.run(async (manager) => {
      const [before] = await queryRows<{ shop_category_id: string }>(manager, 'SELECT shop_category_id FROM category_mappings WHERE category_key = $1 FOR UPDATE', [categoryKey]);
      await manager.query(
        `INSERT INTO category_mappings (category_key, shop_category_id, name) VALUES ($1, $2, $3)
         ON CONFLICT (category_key) DO UPDATE SET shop_category_id = EXCLUDED.shop_category_id, name = EXCLUDED.name, updated_at = now()`,
        [categoryKey, input.shopCategoryId, input.name],
      );
      const members = await queryRows<{ product_id: string; status: string }>(
        manager,
        'SELECT c.product_id, p.status FROM product_categories c JOIN products p ON p.id = c.product_id WHERE c.category_key = $1',
        [categoryKey],
      );
      if (before && before.shop_category_id !== input.shopCategoryId) {
        for (const member of members.filter((m) => m.status !== 'draft')) await this.queue.request(manager, member.product_id, 'listing');
      }
      return { categoryKey, shopCategoryId: input.shopCategoryId, name: input.name, products: members.length };
    });
    this.worker.nudge();
    return view;
  }
}
