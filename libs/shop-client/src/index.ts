export { ShopClient, type ShopClientOptions } from './lib/shop-client';
export { SmsProviderClient, type SmsProviderClientOptions } from './lib/sms-provider-client';
export { ShopApiError, isRetryableStatus } from './lib/errors';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, type CallOptions, type RetryPolicy, type HttpEngineHooks } from './lib/http-engine';
export {
  shopClientEnvSchema,
  shopClientOptionsFromEnv,
  smsProviderEnvSchema,
  smsProviderOptionsFromEnv,
  type ShopClientEnv,
  type SmsProviderEnv,
} from './lib/config';
export {
  Listing,
  ListingStatus,
  Money,
  ShopApiOrder,
  ShopOrderStatus,
  StockLevel,
  AdjustedStock,
  FulfilmentAccepted,
  RefundAccepted,
  SmsAccepted,
  type NewListing,
  type ListingChanges,
  type Page,
  type PageRequest,
  type OrderFilter,
  type Fulfilment,
  type FulfilmentCard,
  type RefundRequest,
} from './lib/shop-types';
