/**
 * One valid payload per event type, keyed by type. Spec helper only (not
 * exported from the library). events.spec.ts fails when an event type has no
 * sample here, so every new event (or new version) must add one.
 */
import type { EventData, EventDefinition } from './event-definition';
import {
  BuyerErasureRequested,
  CardReplacementRequested,
  CardReported,
  CardsAllocated,
  CardVoided,
  DeliveryFailed,
  DeliveryRetryRequested,
  DeliverySucceeded,
  OrderApproved,
  OrderCancelled,
  OrderCompleted,
  OrderPaid,
  OutOfStock,
  PaymentReceived,
  ProductChanged,
  RefundRequested,
  RiskAssessed,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  ShopOrderDisputed,
  ShopOrderRefunded,
  ShopProductUpdated,
  StockChanged,
  StockLow,
} from './events';
import type { ShopOrder } from './primitives';

interface Sample {
  readonly definition: EventDefinition;
  readonly data: unknown;
}

/** Ties a payload to its definition so that the compiler checks it against the schema. */
function sample<D extends EventDefinition>(definition: D, data: EventData<D>): Sample {
  return { definition, data };
}

const ORDER_ID = 'ord_01J9Z6K8Q2';
const SHOP_ORDER_ID = 'LD20250301000123';

const SHOP_ORDER: ShopOrder = {
  shopOrderId: SHOP_ORDER_ID,
  buyer: {
    buyerId: 'buyer_88231',
    email: 'buyer@example.com',
    phone: '+8613812345678',
    ip: '203.0.113.7',
    deviceId: 'dev-5f2c',
    locale: 'zh-CN',
  },
  lines: [{ lineId: 'line-1', productId: 'prod_steam_50', shopListingId: 'listing_9001', quantity: 2, unitPrice: 4_850 }],
  totalAmount: 9_700,
  currency: 'CNY',
  createdAt: '2025-03-01T10:00:00+08:00',
};

const SEALED = {
  kid: 'delivery-2025-03',
  epk: 'mBq0SVVh0bW2QmQyAbFpVB9m3h7Ql8Vr5y2e1k9d0xY',
  iv: 'c2FtcGxlLWl2LTEy',
  ciphertext: 'ZW5jcnlwdGVkLWNhcmQtc2VjcmV0',
  tag: 'dGFnLXRhZy10YWctdGFn',
};

const SAMPLES: readonly Sample[] = [
  sample(ShopOrderCreated, { order: SHOP_ORDER }),
  sample(ShopOrderPaid, {
    order: SHOP_ORDER,
    payment: {
      paymentId: 'pay_7781',
      channel: 'alipay',
      account: '138****5678',
      amount: 9_700,
      currency: 'CNY',
      paidAt: '2025-03-01T10:00:42+08:00',
    },
  }),
  sample(ShopOrderCancelled, { shopOrderId: SHOP_ORDER_ID, reason: 'buyer cancelled before paying', cancelledAt: '2025-03-01T10:05:00Z' }),
  sample(ShopOrderRefunded, {
    shopOrderId: SHOP_ORDER_ID,
    refundId: 'rf_3310',
    amount: 9_700,
    currency: 'CNY',
    refundedAt: '2025-03-02T09:00:00Z',
  }),
  sample(ShopOrderDisputed, {
    shopOrderId: SHOP_ORDER_ID,
    disputeId: 'dp_204',
    reason: 'the card code is already used',
    amount: 4_850,
    currency: 'CNY',
    openedAt: '2025-03-02T08:00:00Z',
  }),
  sample(ShopProductUpdated, {
    shopListingId: 'listing_9001',
    changes: { title: 'Steam 50 CNY gift card', price: 4_850, currency: 'CNY', stock: 120, status: 'listed' },
    updatedAt: '2025-03-01T08:00:00Z',
  }),
  sample(PaymentReceived, {
    provider: 'alipay',
    tradeNo: '2025030122001400001234567890',
    shopOrderId: SHOP_ORDER_ID,
    amount: 9_700,
    currency: 'CNY',
    payerAccount: '138****5678',
    paidAt: '2025-03-01T10:00:42+08:00',
  }),
  sample(OrderPaid, {
    orderId: ORDER_ID,
    shopOrderId: SHOP_ORDER_ID,
    buyer: { buyerId: 'buyer_88231', email: 'buyer@example.com', ip: '203.0.113.7' },
    lines: [{ lineId: 'line-1', productId: 'prod_steam_50', quantity: 2, unitPrice: 4_850 }],
    amount: 9_700,
    currency: 'CNY',
    paymentChannel: 'alipay',
    paymentAccount: '138****5678',
    paidAt: '2025-03-01T02:00:42Z',
  }),
  sample(OrderApproved, {
    orderId: ORDER_ID,
    shopOrderId: SHOP_ORDER_ID,
    lines: [{ lineId: 'line-1', productId: 'prod_steam_50', quantity: 2 }],
    approvedAt: '2025-03-01T02:00:43Z',
  }),
  sample(BuyerErasureRequested, {
    erasureId: 'e2b9a3f0-5c1d-4e8a-9f4b-7a6c2d1e0f93',
    matchKeys: [{ kind: 'email', key: 'hm1.Zk9yQ2Fyb2xpbmVPbmx5VGhlS2V5SG9sZGVyS25vd3M' }],
    orderIds: [ORDER_ID],
    shopOrderIds: [SHOP_ORDER_ID],
    requestedBy: 'privacy-officer',
    requestedAt: '2025-06-01T09:00:00Z',
  }),
  sample(OrderCancelled, { orderId: ORDER_ID, reason: 'risk rejected', cancelledAt: '2025-03-01T02:00:43Z' }),
  sample(RefundRequested, {
    orderId: ORDER_ID,
    shopOrderId: SHOP_ORDER_ID,
    amount: 9_700,
    currency: 'CNY',
    reason: 'delivery failed on every channel',
    requestedAt: '2025-03-01T02:30:00Z',
    refundId: '0b7d3c1e-4f7a-4c55-9a38-2f0c9d1e6b21',
  }),
  sample(DeliveryRetryRequested, {
    orderId: ORDER_ID,
    shopOrderId: SHOP_ORDER_ID,
    requestedBy: 'alice',
    reason: 'buyer fixed the email address',
    requestedAt: '2025-03-01T03:00:00Z',
  }),
  sample(CardReplacementRequested, {
    caseId: '5d2f1c3a-8e7b-4d6a-9c01-3b2a1f0e9d87',
    orderId: ORDER_ID,
    cardId: 'card_a1',
    reason: 'buyer reports the code as already redeemed',
    requestedBy: 'alice',
    requestedAt: '2025-03-02T09:30:00Z',
  }),
  sample(OrderCompleted, { orderId: ORDER_ID, paidAt: '2025-03-01T02:00:42Z', completedAt: '2025-03-01T02:00:45Z' }),
  sample(RiskAssessed, {
    orderId: ORDER_ID,
    assessmentId: 'ra_5521',
    decision: 'approve',
    score: 12.5,
    ruleSetVersion: 7,
    decidedBy: 'engine',
    firedRules: [
      {
        ruleId: 'velocity-ip-1h',
        mode: 'live',
        weight: 12.5,
        reason: '3 orders from this IP in the last hour',
        observed: { ordersInWindow: 3, ip: '203.0.113.7', blocked: false },
      },
    ],
    assessedAt: '2025-03-01T02:00:43Z',
  }),
  sample(CardsAllocated, {
    orderId: ORDER_ID,
    allocationId: 'alloc_1201',
    lines: [
      {
        lineId: 'line-1',
        productId: 'prod_steam_50',
        cards: [
          { cardId: 'card_a1', secret: SEALED, expiresAt: '2026-03-01T00:00:00Z' },
          { cardId: 'card_a2', secret: SEALED },
        ],
      },
    ],
    allocatedAt: '2025-03-01T02:00:44Z',
  }),
  sample(CardVoided, {
    caseId: '5d2f1c3a-8e7b-4d6a-9c01-3b2a1f0e9d87',
    orderId: ORDER_ID,
    cardId: 'card_a1',
    replacements: [{ orderId: ORDER_ID, lineId: 'line-1', status: 'allocated', cardId: 'card_b7' }],
    alreadyVoided: false,
    voidedAt: '2025-03-02T09:30:01Z',
  }),
  sample(OutOfStock, {
    orderId: ORDER_ID,
    lines: [{ lineId: 'line-1', productId: 'prod_steam_50', requested: 2, available: 1 }],
    at: '2025-03-01T02:00:44Z',
  }),
  sample(StockChanged, { productId: 'prod_steam_50', available: 118, sequence: 42, at: '2025-03-01T02:00:44Z', countedOrderIds: [ORDER_ID] }),
  sample(StockLow, { productId: 'prod_steam_50', available: 9, threshold: 10, at: '2025-03-01T02:00:44Z' }),
  sample(DeliverySucceeded, {
    orderId: ORDER_ID,
    deliveryId: 'dlv_880',
    channel: 'shop',
    attempts: 1,
    deliveredAt: '2025-03-01T02:00:45Z',
  }),
  sample(DeliveryFailed, {
    orderId: ORDER_ID,
    deliveryId: 'dlv_881',
    channel: 'email',
    attempts: 5,
    permanent: false,
    reason: 'SMTP 451 after 5 attempts',
    failedAt: '2025-03-01T02:10:00Z',
  }),
  sample(CardReported, {
    reportId: 'a41c7e2d-0b9f-4e3a-8d6c-5f1e2a3b4c5d',
    orderId: ORDER_ID,
    lineId: 'line-1',
    productId: 'prod_steam_50',
    cardId: 'card_a1',
    note: 'Steam says this code was already redeemed',
    via: 'link',
    reportedAt: '2025-03-02T09:00:00Z',
  }),
  sample(ProductChanged, {
    productId: 'prod_steam_50',
    revision: 3,
    title: 'Steam 50 CNY gift card',
    price: 4_850,
    currency: 'CNY',
    poolMode: 'unique',
    deliveryChannels: ['shop', 'email'],
    minPerOrder: 1,
    maxPerOrder: 5,
    lowStockThreshold: 10,
    status: 'listed',
    changedAt: '2025-03-01T00:00:00Z',
  }),
];

function byType(samples: readonly Sample[]): ReadonlyMap<string, Sample> {
  const map = new Map<string, Sample>();
  for (const s of samples) {
    if (map.has(s.definition.type)) throw new Error(`two samples for ${s.definition.type}`);
    map.set(s.definition.type, s);
  }
  return map;
}

/** Valid sample payloads keyed by event type. */
export const EVENT_SAMPLES: ReadonlyMap<string, Sample> = byType(SAMPLES);

/** A fresh deep copy of an event type's sample, safe to mutate in a test. */
export function sampleFor(type: string): Record<string, unknown> {
  const found = EVENT_SAMPLES.get(type);
  if (!found) throw new Error(`no sample payload for ${type}: add one to event-samples.fixture.ts`);
  return structuredClone(found.data) as Record<string, unknown>;
}
