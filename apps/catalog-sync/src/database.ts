/**
 * The tables catalog-sync owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
import { CategoryMapping, ProductCategory } from './categories/category.entities';
import { CatalogTables1764600000000 } from './migrations/1764600000000-catalog-tables';
import { ExactStockCounts1765000000002 } from './migrations/1765000000002-exact-stock-counts';
import { StockZeroSeen1765300000001 } from './migrations/1765300000001-stock-zero-seen';
import { InFlightUnsettled1765400000000 } from './migrations/1765400000000-in-flight-unsettled';
import { AdjustmentsAsApplied1765500000000 } from './migrations/1765500000000-adjustments-as-applied';
import { WithdrawnOrders1765500000001 } from './migrations/1765500000001-withdrawn-orders';
import { ProductRecord } from './products/product.entities';
import { CountedOrder, InFlightOrder, OrderAllocation, OrderLink, ProductStock, WithdrawnOrder } from './stock/stock.entities';
import { ListingDrift, ShopListing, SyncTask } from './sync/sync.entities';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [ProductRecord, CategoryMapping, ProductCategory, ShopListing, SyncTask, ListingDrift, ProductStock, InFlightOrder, OrderLink, OrderAllocation, CountedOrder, WithdrawnOrder];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [CatalogTables1764600000000, ExactStockCounts1765000000002, StockZeroSeen1765300000001, InFlightUnsettled1765400000000, AdjustmentsAsApplied1765500000000, WithdrawnOrders1765500000001];
