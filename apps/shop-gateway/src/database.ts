import { Receipt } from './receipts/receipt.entity';
import { Receipts1764288000000 } from './receipts/1764288000000-receipts';

/**
 * The tables shop-gateway owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [Receipt];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [Receipts1764288000000];
