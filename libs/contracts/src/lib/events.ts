import { z } from 'zod';
import { defineEvent } from './event-definition';
import {
  Buyer,
  Currency,
  DeliveryChannel,
  Id,
  MinorUnits,
  OrderLineRequest,
  PoolMode,
  SealedSecret,
  ShopOrder,
  Timestamp,
} from './primitives';
import { TOPICS } from './topics';

// ── From the shop, through shop-gateway ────────────────────────────────────

export const ShopOrderCreated = defineEvent({
  type: 'cardlink.shop.order-created.v1',
  topic: TOPICS.shopOrders,
  producer: 'shop-gateway',
  consumers: ['order-processing', 'catalog-sync'],
  subject: 'shop order id',
  description: 'The shop reports a new, not yet paid order.',
  schema: z.object({ order: ShopOrder }),
});

export const ShopOrderPaid = defineEvent({
  type: 'cardlink.shop.order-paid.v1',
  topic: TOPICS.shopOrders,
  producer: 'shop-gateway',
  consumers: ['order-processing', 'catalog-sync'],
  subject: 'shop order id',
  description: 'The shop reports that the buyer paid; carries the whole order so that it can arrive first.',
  schema: z.object({
    order: ShopOrder,
    payment: z.object({
      paymentId: Id,
      channel: Id.describe('payment channel, e.g. alipay, wechat'),
      account: z.string().max(128).optional().describe('payer account at the channel'),
      amount: MinorUnits,
      currency: Currency,
      paidAt: Timestamp,
    }),
  }),
});

export const ShopOrderCancelled = defineEvent({
  type: 'cardlink.shop.order-cancelled.v1',
  topic: TOPICS.shopOrders,
  producer: 'shop-gateway',
  consumers: ['order-processing', 'catalog-sync'],
  subject: 'shop order id',
  description: 'The shop cancelled the order.',
  schema: z.object({ shopOrderId: Id, reason: z.string().max(500).optional(), cancelledAt: Timestamp }),
});

export const ShopOrderRefunded = defineEvent({
  type: 'cardlink.shop.order-refunded.v1',
  topic: TOPICS.shopOrders,
  producer: 'shop-gateway',
  consumers: ['order-processing'],
  subject: 'shop order id',
  description: 'The shop refunded the buyer (on our request or on its own, e.g. a dispute).',
  schema: z.object({ shopOrderId: Id, refundId: Id, amount: MinorUnits, currency: Currency, refundedAt: Timestamp }),
});

export const ShopOrderDisputed = defineEvent({
  type: 'cardlink.shop.order-disputed.v1',
  topic: TOPICS.shopOrders,
  producer: 'shop-gateway',
  consumers: ['order-processing'],
  subject: 'shop order id',
  description: 'The buyer opened a dispute (complaint) about an order at the shop; it becomes an after-sale case.',
  schema: z.object({
    shopOrderId: Id,
    disputeId: Id.describe("the shop's dispute id; the same id again opens nothing new"),
    reason: z.string().max(500),
    amount: MinorUnits.optional().describe('what the buyer claims, if the shop says'),
    currency: Currency.optional(),
    openedAt: Timestamp,
  }),
});

export const ShopProductUpdated = defineEvent({
  type: 'cardlink.shop.product-updated.v1',
  topic: TOPICS.shopProducts,
  producer: 'shop-gateway',
  consumers: ['catalog-sync'],
  subject: 'shop listing id',
  description: 'A listing was changed on the shop side.',
  schema: z.object({
    shopListingId: Id,
    changes: z.object({
      title: z.string().max(200).optional(),
      price: MinorUnits.optional(),
      currency: Currency.optional(),
      stock: z.number().int().nonnegative().optional(),
      status: z.enum(['listed', 'delisted']).optional(),
    }),
    updatedAt: Timestamp,
  }),
});

export const PaymentReceived = defineEvent({
  type: 'cardlink.payments.payment-received.v1',
  topic: TOPICS.payments,
  producer: 'shop-gateway',
  consumers: ['order-processing'],
  subject: 'shop order id',
  description: "A payment provider's verified callback: money arrived for an order.",
  schema: z.object({
    provider: Id,
    tradeNo: Id.describe("the provider's trade number"),
    shopOrderId: Id,
    amount: MinorUnits,
    currency: Currency,
    payerAccount: z.string().max(128).optional(),
    paidAt: Timestamp,
  }),
});

// ── order-processing ───────────────────────────────────────────────────────

export const OrderPaid = defineEvent({
  type: 'cardlink.orders.order-paid.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['risk-control', 'delivery-notifications'],
  subject: 'order id',
  description: 'A paid order awaits its risk assessment.',
  schema: z.object({
    orderId: Id,
    shopOrderId: Id,
    buyer: Buyer,
    lines: z.array(OrderLineRequest.extend({ unitPrice: MinorUnits })).min(1),
    amount: MinorUnits,
    currency: Currency,
    paymentChannel: Id,
    paymentAccount: z.string().max(128).optional(),
    paidAt: Timestamp,
  }),
});

export const OrderApproved = defineEvent({
  type: 'cardlink.orders.order-approved.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['card-inventory', 'catalog-sync'],
  subject: 'order id',
  description: 'Risk control approved the order: allocate its cards.',
  schema: z.object({ orderId: Id, shopOrderId: Id, lines: z.array(OrderLineRequest).min(1), approvedAt: Timestamp }),
});

export const OrderCancelled = defineEvent({
  type: 'cardlink.orders.order-cancelled.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['card-inventory', 'delivery-notifications', 'catalog-sync'],
  subject: 'order id',
  description: 'The order will not be fulfilled: release anything reserved for it.',
  schema: z.object({ orderId: Id, reason: z.string().max(500), cancelledAt: Timestamp }),
});

export const RefundRequested = defineEvent({
  type: 'cardlink.orders.refund-requested.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['card-inventory', 'catalog-sync'],
  subject: 'order id',
  description: 'The buyer is to be refunded; order-processing asks the shop.',
  schema: z.object({
    orderId: Id,
    shopOrderId: Id,
    amount: MinorUnits,
    currency: Currency,
    reason: z.string().max(500),
    requestedAt: Timestamp,
    refundId: Id.optional().describe('the id the refund carries to the shop; the same id again refunds nothing more'),
  }),
});

export const DeliveryRetryRequested = defineEvent({
  type: 'cardlink.orders.delivery-retry-requested.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['delivery-notifications'],
  subject: 'order id',
  description: "Staff asked to deliver a failed order's allocated cards again: put its failed deliveries back in the queue.",
  schema: z.object({
    orderId: Id,
    shopOrderId: Id,
    requestedBy: Id.describe('the admin credential that asked'),
    reason: z.string().max(500).optional(),
    requestedAt: Timestamp,
  }),
});

export const CardReplacementRequested = defineEvent({
  type: 'cardlink.orders.card-replacement-requested.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['card-inventory'],
  subject: 'order id',
  description: 'Staff resolved an after-sale case by replacing a card: void it and allocate a replacement to the same order line.',
  schema: z.object({
    caseId: Id,
    orderId: Id,
    cardId: Id,
    reason: z.string().max(500),
    requestedBy: Id.describe('the admin credential that decided'),
    requestedAt: Timestamp,
  }),
});

export const BuyerErasureRequested = defineEvent({
  type: 'cardlink.orders.buyer-erasure-requested.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: ['risk-control', 'delivery-notifications'],
  subject: 'erasure id',
  description:
    "Staff asked to erase one buyer's contacts: every service erases them from its own tables (financial records stay) and keeps an audit row. Carries match keys (keyed HMACs), never the contacts.",
  schema: z.object({
    erasureId: Id,
    matchKeys: z
      .array(z.object({ kind: z.enum(['buyerId', 'email', 'phone']), key: Id }))
      .min(1)
      .describe('keyed HMACs (PERSONAL_DATA_MATCH_KEY) of the normalised identifiers the request named'),
    orderIds: z.array(Id).describe("the buyer's orders order-processing knows; each service erases their contacts"),
    shopOrderIds: z.array(Id),
    requestedBy: Id.describe('the admin credential that asked'),
    requestedAt: Timestamp,
  }),
});

export const OrderCompleted = defineEvent({
  type: 'cardlink.orders.order-completed.v1',
  topic: TOPICS.orderLifecycle,
  producer: 'order-processing',
  consumers: [],
  subject: 'order id',
  description: 'Every line was delivered.',
  schema: z.object({ orderId: Id, paidAt: Timestamp, completedAt: Timestamp }),
});

// ── risk-control ───────────────────────────────────────────────────────────

export const RiskDecision = z.enum(['approve', 'review', 'reject']);
export type RiskDecision = z.infer<typeof RiskDecision>;

export const RiskAssessed = defineEvent({
  type: 'cardlink.risk.risk-assessed.v1',
  topic: TOPICS.riskAssessments,
  producer: 'risk-control',
  consumers: ['order-processing'],
  subject: 'order id',
  description: 'The decision on a paid order, with every rule that fired and what it saw.',
  schema: z.object({
    orderId: Id,
    assessmentId: Id,
    decision: RiskDecision,
    score: z.number(),
    ruleSetVersion: z.number().int().nonnegative(),
    decidedBy: z.enum(['engine', 'reviewer', 'review-timeout', 'fail-safe']),
    firedRules: z.array(
      z.object({
        ruleId: Id,
        mode: z.enum(['live', 'shadow']),
        weight: z.number(),
        reason: z.string().max(500),
        observed: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
      }),
    ),
    assessedAt: Timestamp,
  }),
});

// ── card-inventory ─────────────────────────────────────────────────────────

export const CardsAllocated = defineEvent({
  type: 'cardlink.inventory.cards-allocated.v1',
  topic: TOPICS.allocations,
  producer: 'card-inventory',
  consumers: ['order-processing', 'delivery-notifications', 'catalog-sync'],
  subject: 'order id',
  description: 'Cards taken from stock for an order, each secret sealed for the delivery service.',
  schema: z.object({
    orderId: Id,
    allocationId: Id,
    lines: z.array(
      z.object({
        lineId: Id,
        productId: Id,
        cards: z.array(z.object({ cardId: Id, secret: SealedSecret, expiresAt: Timestamp.optional() })).min(1),
      }),
    ).min(1),
    replacesCardId: Id.optional().describe('set when this allocation replaces a voided card'),
    allocatedAt: Timestamp,
  }),
});

export const CardVoided = defineEvent({
  type: 'cardlink.inventory.card-voided.v1',
  topic: TOPICS.allocations,
  producer: 'card-inventory',
  consumers: ['order-processing'],
  subject: 'order id',
  description: "A card was voided on an after-sale case's request: each order line it was sold to got a replacement (its CardsAllocated follows) or waits for stock.",
  schema: z.object({
    caseId: Id.optional(),
    orderId: Id.describe('the order whose case asked'),
    cardId: Id,
    replacements: z.array(
      z.object({ orderId: Id, lineId: Id, status: z.enum(['allocated', 'waiting']), cardId: Id.optional().describe('the replacement card, once allocated') }),
    ),
    alreadyVoided: z.boolean().describe('the card had been voided before this request; the replacements are those of that void'),
    voidedAt: Timestamp,
  }),
});

export const OutOfStock = defineEvent({
  type: 'cardlink.inventory.out-of-stock.v1',
  topic: TOPICS.allocations,
  producer: 'card-inventory',
  consumers: ['order-processing'],
  subject: 'order id',
  description: 'Not enough cards: the order waits (backorder) and is fulfilled when cards arrive.',
  schema: z.object({
    orderId: Id,
    lines: z
      .array(
        z.object({ lineId: Id, productId: Id, requested: z.number().int().min(1), available: z.number().int().nonnegative() }),
      )
      .min(1),
    at: Timestamp,
  }),
});

export const StockChanged = defineEvent({
  type: 'cardlink.inventory.stock-changed.v1',
  topic: TOPICS.stock,
  producer: 'card-inventory',
  consumers: ['catalog-sync'],
  subject: 'product id',
  description: 'Cards available for a product after a change; coalesced, so bursts send one event.',
  schema: z.object({
    productId: Id,
    available: z.number().int().nonnegative(),
    sequence: z.number().int().nonnegative(),
    at: Timestamp,
    countedOrderIds: z
      .array(Id)
      .optional()
      .describe('orders whose allocation of this product this count is the first to include; lets a consumer tell exactly which sales the count already reflects'),
  }),
});

export const StockLow = defineEvent({
  type: 'cardlink.inventory.stock-low.v1',
  topic: TOPICS.stock,
  producer: 'card-inventory',
  consumers: ['catalog-sync'],
  subject: 'product id',
  description: 'Available cards fell below the product threshold (once per crossing).',
  schema: z.object({ productId: Id, available: z.number().int().nonnegative(), threshold: z.number().int().nonnegative(), at: Timestamp }),
});

// ── delivery-notifications ─────────────────────────────────────────────────

export const DeliverySucceeded = defineEvent({
  type: 'cardlink.delivery.delivery-succeeded.v1',
  topic: TOPICS.deliveries,
  producer: 'delivery-notifications',
  consumers: ['order-processing'],
  subject: 'order id',
  description: 'Cards reached the buyer through one channel.',
  schema: z.object({ orderId: Id, deliveryId: Id, channel: DeliveryChannel, attempts: z.number().int().min(1), deliveredAt: Timestamp }),
});

export const DeliveryFailed = defineEvent({
  type: 'cardlink.delivery.delivery-failed.v1',
  topic: TOPICS.deliveries,
  producer: 'delivery-notifications',
  consumers: ['order-processing'],
  subject: 'order id',
  description: 'A channel gave up: permanent error or attempts exhausted.',
  schema: z.object({
    orderId: Id,
    deliveryId: Id,
    channel: DeliveryChannel,
    attempts: z.number().int().min(0),
    permanent: z.boolean(),
    reason: z.string().max(1000),
    failedAt: Timestamp,
  }),
});

export const CardReported = defineEvent({
  type: 'cardlink.delivery.card-reported.v1',
  topic: TOPICS.deliveries,
  producer: 'delivery-notifications',
  consumers: ['order-processing'],
  subject: 'order id',
  description: 'A buyer reported a delivered card as invalid on the pickup page; opens an after-sale case.',
  schema: z.object({
    reportId: Id,
    orderId: Id,
    lineId: Id,
    productId: Id,
    cardId: Id,
    note: z.string().max(1000).describe("the buyer's words, as typed, with the card's own code and password masked out"),
    via: z.enum(['link', 'code']).describe('how the buyer opened the pickup page'),
    reportedAt: Timestamp,
  }),
});

// ── catalog-sync ───────────────────────────────────────────────────────────

export const ProductChanged = defineEvent({
  type: 'cardlink.catalog.product-changed.v1',
  topic: TOPICS.catalogProducts,
  producer: 'catalog-sync',
  consumers: ['card-inventory', 'delivery-notifications', 'risk-control', 'order-processing'],
  subject: 'product id',
  description: 'A product as defined by the merchant, after any change.',
  schema: z.object({
    productId: Id,
    revision: z.number().int().min(1),
    title: z.string().min(1).max(200),
    price: MinorUnits,
    currency: Currency,
    poolMode: PoolMode,
    reusableCap: z.number().int().min(1).optional(),
    deliveryChannels: z.array(DeliveryChannel).min(1),
    minPerOrder: z.number().int().min(1),
    maxPerOrder: z.number().int().min(1),
    lowStockThreshold: z.number().int().nonnegative(),
    status: z.enum(['draft', 'listed', 'delisted']),
    changedAt: Timestamp,
  }),
});

/** Every event type of the platform, newest versions beside older ones still published. */
export const EVENT_CATALOG = [
  ShopOrderCreated,
  ShopOrderPaid,
  ShopOrderCancelled,
  ShopOrderRefunded,
  ShopOrderDisputed,
  ShopProductUpdated,
  PaymentReceived,
  OrderPaid,
  OrderApproved,
  OrderCancelled,
  RefundRequested,
  DeliveryRetryRequested,
  CardReplacementRequested,
  BuyerErasureRequested,
  OrderCompleted,
  RiskAssessed,
  CardsAllocated,
  CardVoided,
  OutOfStock,
  StockChanged,
  StockLow,
  DeliverySucceeded,
  DeliveryFailed,
  CardReported,
  ProductChanged,
] as const;
