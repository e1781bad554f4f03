import { Module } from '@nestjs/common';
import { CategoriesController } from './categories/categories.controller';
import { DriftService } from './drift/drift.service';
import { ReconciliationSchedule } from './drift/reconciliation-schedule';
import { ShopProductConsumer } from './drift/shop-product.consumer';
import { SyncController } from './drift/sync.controller';
import { ProductsController } from './products/products.controller';
import { ProductsService } from './products/products.service';
import { StockEventsConsumer } from './stock/stock-events.consumer';
import { ShopSync } from './sync/shop-sync';
import { shopClientProvider } from './sync/shop-client.provider';
import { SyncQueue } from './sync/sync-queue';
import { SyncWorker } from './sync/sync-worker';

/** Products, their mapping to shop listings, and keeping the shop in step (listings, stock, drift). */
@Module({
  controllers: [ProductsController, CategoriesController, SyncController, StockEventsConsumer, ShopProductConsumer],
  providers: [shopClientProvider, SyncQueue, ShopSync, SyncWorker, ProductsService, DriftService, ReconciliationSchedule],
})
export class CatalogModule {}
