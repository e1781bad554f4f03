import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Id } from '@cardlink/contracts';
import { RequireScopes } from '@cardlink/auth';
import { parseInput } from '../http-input';
import { ShopSync } from '../sync/shop-sync';
import { SyncWorker } from '../sync/sync-worker';
import { queryRows } from '../sync/rows';
import { NewProductInput, PRODUCT_STATUSES, ProductPatch } from './product-rules';
import type { Product } from './product-store';
import { ProductsService } from './products.service';

const ListQuery = z.strictObject({
  status: z.enum(PRODUCT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** 商品映射 as staff see it: the listing that sells the product, its shop categories and its stock. */
export interface ProductMapping {
  listingId: string | null;
  shopCategoryIds: string[];
  pushedRevision: number;
  /** What the shop should show now (available − in flight − margin). */
  sellableStock: number;
  /** What we believe the shop shows. */
  believedShopStock: number;
  lastSyncedAt: string | null;
  /** Set while card-inventory reports fewer cards than the product's low-stock threshold. */
  stockLow: { since: string; threshold: number } | null;
}

/** Merchants define products here; listed products are pushed to the shop. */
@Controller('products')
export class ProductsController {
  constructor(
    @Inject(ProductsService) private readonly products: ProductsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopSync) private readonly sync: ShopSync,
    @Inject(SyncWorker) private readonly worker: SyncWorker,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('catalog:write')
  async create(@Body() body: unknown): Promise<Product> {
    const product = await this.products.create(parseInput(NewProductInput, body, 'product'));
    this.worker.nudge();
    return product;
  }

  @Get()
  @RequireScopes('catalog:read')
  async list(@Query() query: unknown): Promise<{ items: Product[]; total: number; limit: number; offset: number }> {
    const filter = parseInput(ListQuery, query, 'query');
    const page = await this.products.list(this.dataSource.manager, filter);
    return { ...page, limit: filter.limit, offset: filter.offset };
  }

  @Get(':productId')
  @RequireScopes('catalog:read')
  async find(@Param('productId') productId: string): Promise<Product & { mapping: ProductMapping }> {
    parseInput(Id, productId, 'product id');
    const manager = this.dataSource.manager;
    const product = await this.products.find(manager, productId);
    const [listing] = await queryRows<{ listing_id: string | null; pushed_revision: number; believed_stock: number; last_synced_at: Date | null }>(
      manager,
      'SELECT listing_id, pushed_revision, believed_stock, last_synced_at FROM shop_listings WHERE product_id = $1',
      [productId],
    );
    const [stock] = await queryRows<{ low_since: Date | null; low_threshold: number | null }>(manager, 'SELECT low_since, low_threshold FROM product_stock WHERE product_id = $1', [
      productId,
    ]);
    const desired = await this.sync.desiredListing(manager, product);
    return {
      ...product,
      mapping: {
        listingId: listing?.listing_id ?? null,
        shopCategoryIds: desired.categoryIds,
        pushedRevision: listing?.pushed_revision ?? 0,
        sellableStock: await this.sync.target(manager, productId),
        believedShopStock: listing?.believed_stock ?? 0,
        lastSyncedAt: listing?.last_synced_at?.toISOString() ?? null,
        stockLow: stock?.low_since && stock.low_threshold !== null ? { since: stock.low_since.toISOString(), threshold: stock.low_threshold } : null,
      },
    };
  }

  @Patch(':productId')
  @RequireScopes('catalog:write')
  async update(@Param('productId') productId: string, @Body() body: unknown): Promise<Product> {
    parseInput(Id, productId, 'product id');
    const product = await this.products.update(productId, parseInput(ProductPatch, body, 'product change'));
    this.worker.nudge();
    return product;
  }
}
