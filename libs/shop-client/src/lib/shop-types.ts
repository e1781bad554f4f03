import { z } from 'zod';
import { Buyer, Currency, MinorUnits, ShopOrderLine } from '@cardlink/contracts';

export const Money = z.object({ amount: MinorUnits, currency: Currency });
export type Money = z.infer<typeof Money>;

export const ListingStatus = z.enum(['listed', 'delisted']);
export type ListingStatus = z.infer<typeof ListingStatus>;

export const Listing = z.object({
  listingId: z.string().min(1),
  /** Our product id. */
  externalId: z.string().min(1),
  title: z.string(),
  description: z.string(),
  price: Money,
  categoryIds: z.array(z.string()),
  stock: z.number().int().nonnegative(),
  status: ListingStatus,
  updatedAt: z.string(),
});
export type Listing = z.infer<typeof Listing>;

export interface NewListing {
  externalId: string;
  title: string;
  description: string;
  price: Money;
  categoryIds: string[];
  stock: number;
  status: ListingStatus;
}

export type ListingChanges = Partial<Pick<NewListing, 'title' | 'description' | 'price' | 'categoryIds' | 'status'>>;

export const StockLevel = z.object({ listingId: z.string().min(1), stock: z.number().int().nonnegative() });
export type StockLevel = z.infer<typeof StockLevel>;

/** The answer to an adjustment: the shop floors at zero, so it says how much of the delta it applied. */
export const AdjustedStock = StockLevel.extend({ applied: z.number().int() });
export type AdjustedStock = z.infer<typeof AdjustedStock>;

export const ShopOrderStatus = z.enum(['created', 'paid', 'fulfilled', 'cancelled', 'refunded']);
export type ShopOrderStatus = z.infer<typeof ShopOrderStatus>;

/** An order as the shop's order API lists it: the webhook's order plus where it stands. */
export const ShopApiOrder = z.object({
  shopOrderId: z.string().min(1),
  status: ShopOrderStatus,
  buyer: Buyer,
  lines: z.array(ShopOrderLine),
  totalAmount: MinorUnits,
  currency: Currency,
  createdAt: z.string(),
  paidAt: z.string().optional(),
});
export type ShopApiOrder = z.infer<typeof ShopApiOrder>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int().positive(), pageSize: z.number().int().positive(), total: z.number().int().nonnegative() });
}

export interface PageRequest {
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface OrderFilter extends PageRequest {
  status?: ShopOrderStatus;
  /** RFC 3339; orders created at or after. */
  from?: string;
  /** RFC 3339; orders created before. */
  to?: string;
}

export interface FulfilmentCard {
  code: string;
  password?: string;
}

export interface Fulfilment {
  lineId: string;
  cards: FulfilmentCard[];
}

export const FulfilmentAccepted = z.object({ fulfilmentId: z.string().min(1) });
export type FulfilmentAccepted = z.infer<typeof FulfilmentAccepted>;

export interface RefundRequest {
  refundId: string;
  amount: Money;
  reason: string;
}

export const RefundAccepted = z.object({ refundId: z.string().min(1), status: z.literal('accepted') });
export type RefundAccepted = z.infer<typeof RefundAccepted>;

export const SmsAccepted = z.object({ messageId: z.string().min(1) });
export type SmsAccepted = z.infer<typeof SmsAccepted>;
