import { z } from 'zod';

const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');
const MinorUnits = z.number().int('an integer count of minor units (fen, cent)').nonnegative();
export const Money = z.object({ amount: MinorUnits, currency: Currency }, { message: 'expected {amount, currency}' });
const Text = (max: number) => z.string().max(max);

export const NewListingBody = z.strictObject({
  externalId: z.string().min(1).max(128),
  title: Text(200).min(1),
  description: Text(5000),
  price: Money,
  categoryIds: z.array(z.string().min(1).max(64)).max(20),
  stock: z.number().int().nonnegative(),
  status: z.enum(['listed', 'delisted']),
});

export const ListingChangesBody = z
  .strictObject({
    title: Text(200).min(1),
    description: Text(5000),
    price: Money,
    categoryIds: z.array(z.string().min(1).max(64)).max(20),
    status: z.enum(['listed', 'delisted']),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, 'nothing to change: give at least one of title, description, price, categoryIds, status');

export const StockAdjustmentBody = z.strictObject({ delta: z.number().int(), reason: Text(200).optional() });
export const SetStockBody = z.strictObject({ stock: z.number().int().nonnegative() });

export const FulfilmentBody = z.strictObject({
  lineId: z.string().min(1),
  cards: z.array(z.strictObject({ code: z.string().min(1).max(1000), password: z.string().max(1000).optional() })).min(1, 'at least one card'),
});

export const RefundBody = z.strictObject({ refundId: z.string().min(1).max(128), amount: Money, reason: Text(500).min(1) });

export const SmsBody = z.strictObject({ to: z.string().min(1).max(32), text: z.string().min(1).max(1000) });

export const FaultBody = z.strictObject({
  method: z.string().min(1).default('*'),
  pathPattern: z.string().min(1).refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'a regular expression tested against the path, e.g. ^/api/listings'),
  status: z.number().int().min(400).max(599),
  /** How many matching requests get the fault (default 1), unless forMs is given. */
  times: z.number().int().min(1).optional(),
  /** Every matching request gets the fault for this long ("the shop answers 503 for a while"). */
  forMs: z.number().int().min(1).max(3_600_000).optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** Delay the answer (to provoke client timeouts). */
  delayMs: z.number().int().nonnegative().max(120_000).optional(),
  /** Apply the request, then answer with the fault: the effect happens and the answer is lost. */
  afterEffect: z.boolean().default(false),
  /** Let this many matching requests through before the fault starts ("the second page fails"). */
  skip: z.number().int().nonnegative().optional(),
});
export type Fault = z.infer<typeof FaultBody>;

export const BuyerInput = z
  .object({
    id: z.string().min(1).max(128).optional(),
    buyerId: z.string().min(1).max(128).optional(),
    email: z.email().optional(),
    phone: z.string().regex(/^\+?[0-9]{6,20}$/).optional(),
    ip: z.string().max(64).optional(),
    deviceId: z.string().max(128).optional(),
    locale: z.enum(['zh-CN', 'en']).optional(),
  })
  .refine((buyer) => buyer.id ?? buyer.buyerId, 'buyer.id is required');

const SaleLineInput = z
  .object({ listingId: z.string().min(1).optional(), externalId: z.string().min(1).optional(), quantity: z.number().int().min(1).max(1000).default(1) })
  .refine((line) => line.listingId ?? line.externalId, 'listingId or externalId is required');

export const PlaceOrderBody = z
  .object({
    listingId: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    quantity: z.number().int().min(1).max(1000).optional(),
    lines: z.array(SaleLineInput).min(1).max(100).optional(),
    buyer: BuyerInput,
    shopOrderId: z.string().min(1).max(128).optional(),
    channel: z.string().min(1).max(32).optional(),
    /** Also send the provider's signed payment callback (default: the simulator's paymentCallbackShare decides). */
    paymentCallback: z.boolean().optional(),
    /** Send `order.created` before `order.paid`. */
    createdWebhook: z.boolean().optional(),
  })
  .refine((input) => input.lines ?? input.listingId ?? input.externalId, 'give listingId, externalId or lines');
export type PlaceOrderInput = z.input<typeof PlaceOrderBody>;

export const ShopSideChangeBody = z.strictObject({
  title: Text(200).min(1).optional(),
  price: MinorUnits.optional(),
  stock: z.number().int().nonnegative().optional(),
  status: z.enum(['listed', 'delisted']).optional(),
});

/**
 * Differences planted in one order's data, for reconciliation tests: what the
 * shop's order list and the provider's settlement file say, not what happened.
 */
export const DiscrepancyBody = z
  .strictObject({
    /** The shop's order list no longer shows the order. */
    hiddenFromOrderList: z.boolean().optional(),
    /** The shop's order list shows this total instead. */
    listedTotalAmount: MinorUnits.optional(),
    /** The settlement file leaves out the order's payment row. */
    omitPaymentFromSettlement: z.boolean().optional(),
    /** The settlement file shows this payment amount instead. */
    settledAmount: MinorUnits.optional(),
    /** The settlement file shows one more refund of the order, as if the provider paid it out twice. */
    extraSettlementRefund: z.strictObject({ refundId: z.string().min(1).max(128), amount: MinorUnits.min(1) }).optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, 'nothing to plant: give at least one difference');
export type Discrepancy = z.infer<typeof DiscrepancyBody>;

/** `a.b: message; c: message`, for 400 answers. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`).join('; ');
}
