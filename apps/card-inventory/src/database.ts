/**
 * The tables card-inventory owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
import { CardReveal } from './admin/card-reveal.entity';
import { CardReplacement } from './after-sale/card-replacement.entity';
import { Allocations1764300100000 } from './allocation/1764300100000-allocations';
import { CardAllocation } from './allocation/card-allocation.entity';
import { OrderAllocation } from './allocation/order-allocation.entity';
import { CardStock1764300000000 } from './cards/1764300000000-card-stock';
import { BackordersAfterSaleStock1764300200000 } from './cards/1764300200000-backorders-after-sale-stock';
import { CardBatch } from './cards/card-batch.entity';
import { CardPool } from './cards/card-pool.entity';
import { Card } from './cards/card.entity';
import { StockMarksOrder1765000000001 } from './stock/1765000000001-stock-marks-order';
import { StockMark, StockState } from './stock/stock.entities';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [CardPool, CardBatch, Card, OrderAllocation, CardAllocation, CardReplacement, CardReveal, StockMark, StockState];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [CardStock1764300000000, Allocations1764300100000, BackordersAfterSaleStock1764300200000, StockMarksOrder1765000000001];
