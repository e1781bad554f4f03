import { ErasureRecord, PrivacyErasures1765600000001 } from '@cardlink/personal-data';
import { AfterSaleCases1765500000001 } from './aftersale/1765500000001-aftersale-cases';
import { AFTERSALE_ENTITIES } from './aftersale/after-sale.entities';
import { OrderTables1764500000000 } from './orders/migrations/1764500000000-order-tables';
import { ORDER_ENTITIES } from './orders/order.entities';
import { ReconciliationRuns1765400000001 } from './reconciliation/1765400000001-reconciliation-runs';
import { RefundRequests1764500100000 } from './refunds/1764500100000-refund-requests';
import { RefundRequestRecord } from './refunds/refund-request.entity';
import { Settlement1765400000002 } from './settlement/1765400000002-settlement';

/**
 * The tables order-processing owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [...ORDER_ENTITIES, RefundRequestRecord, ...AFTERSALE_ENTITIES, ErasureRecord];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [OrderTables1764500000000, RefundRequests1764500100000, ReconciliationRuns1765400000001, Settlement1765400000002, AfterSaleCases1765500000001, PrivacyErasures1765600000001];
