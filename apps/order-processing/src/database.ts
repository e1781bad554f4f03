import { OrderTables1764500000000 } from './orders/migrations/1764500000000-order-tables';
import { ORDER_ENTITIES } from './orders/order.entities';

/**
 * The tables order-processing owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [...ORDER_ENTITIES];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [OrderTables1764500000000];
