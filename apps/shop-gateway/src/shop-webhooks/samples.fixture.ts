import type { EventData, ShopOrderCancelled, ShopOrderCreated, ShopOrderDisputed, ShopOrderPaid, ShopOrderRefunded, ShopProductUpdated } from '@cardlink/contracts';

const order: EventData<typeof ShopOrderCreated>['order'] = {
  shopOrderId: 'LD20250301000123',
  buyer: { buyerId: 'buyer-7', email: 'li.wei@example.com', phone: '+8613812345678' },
  lines: [{ lineId: 'line-1', productId: 'prod_steam_50', shopListingId: 'listing_9001', quantity: 2, unitPrice: 4_850 }],
  totalAmount: 9_700,
  currency: 'CNY',
  createdAt: '2025-03-01T10:00:00Z',
};

const paid: EventData<typeof ShopOrderPaid> = {
  order,
  payment: { paymentId: 'pay_7781', channel: 'alipay', amount: 9_700, currency: 'CNY', paidAt: '2025-03-01T10:01:00Z' },
};

const cancelled: EventData<typeof ShopOrderCancelled> = { shopOrderId: order.shopOrderId, reason: 'buyer cancelled', cancelledAt: '2025-03-01T10:05:00Z' };

const refunded: EventData<typeof ShopOrderRefunded> = {
  shopOrderId: order.shopOrderId,
  refundId: 'rf_1',
  amount: 9_700,
  currency: 'CNY',
  refundedAt: '2025-03-02T09:00:00Z',
};

const disputed: EventData<typeof ShopOrderDisputed> = {
  shopOrderId: order.shopOrderId,
  disputeId: 'dp_1',
  reason: 'the card code does not work',
  amount: 4_850,
  currency: 'CNY',
  openedAt: '2025-03-02T08:00:00Z',
};

const productUpdated: EventData<typeof ShopProductUpdated> = {
  shopListingId: 'listing_9001',
  changes: { price: 4_990, status: 'listed' },
  updatedAt: '2025-03-01T11:00:00Z',
};

/** Valid webhook `data` for each shop webhook type. */
export const EVENT_SAMPLES_FOR_TESTS = { order, paid, cancelled, refunded, disputed, productUpdated };
