import { z } from 'zod';

/** Money is always an integer count of the currency's minor unit (fen, cent): never a float. */
export const MinorUnits = z.number().int().nonnegative().describe('amount in minor units (e.g. fen)');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as CNY').describe('ISO 4217 currency code');
export const Timestamp = z.iso.datetime({ offset: true }).describe('RFC 3339 timestamp');
export const Id = z.string().min(1).max(128);

export const DeliveryChannel = z.enum(['shop', 'email', 'sms', 'webhook']);
export type DeliveryChannel = z.infer<typeof DeliveryChannel>;

export const PoolMode = z.enum(['unique', 'reusable']);
export type PoolMode = z.infer<typeof PoolMode>;

/** What the buyer told the shop about themselves; contacts are masked wherever shown to staff. */
export const Buyer = z.object({
  buyerId: Id,
  email: z.email().optional(),
  phone: z.string().regex(/^\+?[0-9]{6,20}$/).optional(),
  ip: z.string().max(64).optional(),
  deviceId: z.string().max(128).optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
export type Buyer = z.infer<typeof Buyer>;

export const ShopOrderLine = z.object({
  lineId: Id,
  productId: Id,
  shopListingId: Id.optional(),
  quantity: z.number().int().min(1).max(1000),
  unitPrice: MinorUnits,
});
export type ShopOrderLine = z.infer<typeof ShopOrderLine>;

/** The order as the shop reports it. Its id is the shop's, never one a browser made up. */
export const ShopOrder = z.object({
  shopOrderId: Id,
  buyer: Buyer,
  lines: z.array(ShopOrderLine).min(1).max(100),
  totalAmount: MinorUnits,
  currency: Currency,
  createdAt: Timestamp,
});
export type ShopOrder = z.infer<typeof ShopOrder>;

/**
 * A card secret sealed for the delivery service: X25519 key agreement with an
 * ephemeral key, then AES-256-GCM. Only the holder of key `kid` can open it.
 */
export const SealedSecret = z.object({
  kid: Id,
  epk: z.string().describe('ephemeral public key, base64url'),
  iv: z.string().describe('base64url'),
  ciphertext: z.string().describe('base64url'),
  tag: z.string().describe('base64url'),
});
export type SealedSecret = z.infer<typeof SealedSecret>;

export const OrderLineRequest = z.object({
  lineId: Id,
  productId: Id,
  quantity: z.number().int().min(1).max(1000),
});
export type OrderLineRequest = z.infer<typeof OrderLineRequest>;
