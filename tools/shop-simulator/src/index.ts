export {
  startShopSimulator,
  DEFAULT_CLIENT,
  DEFAULT_SMS_API_KEY,
  type ShopSimulatorOptions,
  type RunningShopSimulator,
  type PlaceOrderResult,
  type PlacedOrder,
  type ApiRequest,
} from './lib/simulator';
export type { PlaceOrderInput, Discrepancy } from './lib/schemas';
export { RECORD_KINDS, type SimRecord, type Stamped, type RecordKind, type Card } from './lib/records';
export { summarize, formatSummary, percentiles, type RunSummary, type Percentiles } from './lib/summary';
export { DEFAULT_SENDER_SCHEDULE, type RetrySchedule, type Delivery } from './lib/senders';
export type { Listing, ShopOrder, Payment, Buyer } from './lib/shop';
export { FRAUD_IDENTITIES, planOrders, runLoad, type LoadOptions, type PlannedOrder, type LoadResult, type OrderTarget } from './lib/load';
export { RemoteSimulator } from './lib/remote';
export { mulberry32 } from './lib/random';
