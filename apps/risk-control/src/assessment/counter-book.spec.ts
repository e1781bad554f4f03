import { OrderPaid } from '@cardlink/contracts';
import { CounterBook, PaidOrderFacts, paidOrderFacts } from './counter-book';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function order(overrides: Partial<PaidOrderFacts> & { at?: number } = {}): PaidOrderFacts {
  const { at = T0, ...rest } = overrides;
  return {
    orderId: 'order-1',
    buyerId: 'buyer-1',
    amount: 9_900,
    currency: 'CNY',
    lines: [{ productId: 'game-card', quantity: 1, unitPrice: 9_900 }],
    paidAt: new Date(at),
    ...rest,
  };
}

describe('CounterBook', () => {
  it('counts the order itself in the features it returns', () => {
    const features = new CounterBook().observe(order({ deviceId: 'device-1' }));
    expect(features.counters.velocity).toEqual({
      buyerId: {
        '1m': { count: 1, amount: 9_900 },
        '1h': { count: 1, amount: 9_900 },
        '24h': { count: 1, amount: 9_900 },
      },
      deviceId: {
        '1m': { count: 1, amount: 9_900 },
        '1h': { count: 1, amount: 9_900 },
        '24h': { count: 1, amount: 9_900 },
      },
    });
    expect(features.counters.identicalAmount.shop).toEqual({
      '1m': { count: 1, distinct: 1 },
      '10m': { count: 1, distinct: 1 },
    });
    expect(features.lines).toEqual([{ productId: 'game-card', quantity: 1, amount: 9_900 }]);
  });

  it('knows a buyer is new only on their first order', () => {
    const book = new CounterBook();
    expect(book.observe(order()).isNewBuyer).toBe(true);
    expect(book.observe(order({ orderId: 'order-2', at: T0 + 1 })).isNewBuyer).toBe(false);
    expect(book.observe(order({ orderId: 'order-3', buyerId: 'buyer-2', at: T0 + 2 })).isNewBuyer).toBe(true);
  });

  it('counts velocity per identifier over each window', () => {
    const book = new CounterBook();
    book.observe(order({ ip: '203.0.113.7', at: T0 }));
    book.observe(order({ orderId: 'order-2', buyerId: 'buyer-2', ip: '203.0.113.7', at: T0 + 30 * 60_000 }));
    const features = book.observe(
      order({ orderId: 'order-3', buyerId: 'buyer-3', ip: '203.0.113.7', amount: 100, at: T0 + 60 * 60_000 }),
    );
    expect(features.counters.velocity.ip).toEqual({
      '1m': { count: 1, amount: 100 },
      '1h': { count: 2, amount: 10_000 },
      '24h': { count: 3, amount: 19_900 },
    });
    expect(features.counters.velocity.buyerId?.['24h']).toEqual({ count: 1, amount: 100 });
  });

  it('keys velocity on the normalised identifier', () => {
    const book = new CounterBook();
    book.observe(order({ ip: '2001:DB8::1' }));
    expect(book.observe(order({ orderId: 'order-2', ip: '2001:db8::1' })).counters.velocity.ip?.['1m'].count).toBe(2);
  });

  it('counts orders of one amount and their distinct buyers, shop-wide and per product', () => {
    const book = new CounterBook();
    book.observe(order({ buyerId: 'a' }));
    book.observe(order({ orderId: 'o2', buyerId: 'a', at: T0 + 1_000 }));
    book.observe(
      order({
        orderId: 'o3',
        buyerId: 'b',
        at: T0 + 2_000,
        lines: [{ productId: 'gift-card', quantity: 1, unitPrice: 9_900 }],
      }),
    );
    book.observe(order({ orderId: 'o4', buyerId: 'c', amount: 9_901, at: T0 + 3_000 }));
    const features = book.observe(order({ orderId: 'o5', buyerId: 'd', at: T0 + 4_000 }));
    expect(features.counters.identicalAmount.shop['1m']).toEqual({ count: 4, distinct: 3 });
    expect(features.counters.identicalAmount.products.get('game-card')?.['1m']).toEqual({ count: 3, distinct: 2 });
    expect(features.counters.identicalAmountDay).toEqual({ shop: 4, products: new Map([['game-card', 3]]) });
    const lateThatDay = book.observe(order({ orderId: 'o6', buyerId: 'e', at: T0 + 86_400_000 - 600_000 }));
    expect(lateThatDay.counters.identicalAmountDay).toEqual({ shop: 5, products: new Map([['game-card', 4]]) });
    // The day's 10-minute bucket holding the first five orders is now a whole day old.
    const nextDay = book.observe(order({ orderId: 'o7', buyerId: 'f', at: T0 + 86_400_000 }));
    expect(nextDay.counters.identicalAmountDay).toEqual({ shop: 2, products: new Map([['game-card', 2]]) });
  });

  it("adds up the buyer's units and amount per product over the day", () => {
    const book = new CounterBook();
    book.observe(order({ amount: 19_800, lines: [{ productId: 'game-card', quantity: 2, unitPrice: 9_900 }] }));
    const features = book.observe(
      order({
        orderId: 'order-2',
        amount: 39_700,
        at: T0 + 23 * 3_600_000,
        lines: [
          { productId: 'game-card', quantity: 3, unitPrice: 9_900 },
          { productId: 'gift-card', quantity: 1, unitPrice: 10_000 },
        ],
      }),
    );
    expect(features.counters.buyerProductDay).toEqual(
      new Map([
        ['game-card', { quantity: 5, amount: 49_500 }],
        ['gift-card', { quantity: 1, amount: 10_000 }],
      ]),
    );
    const nextDay = book.observe(order({ orderId: 'order-3', at: T0 + 24 * 3_600_000 }));
    expect(nextDay.counters.buyerProductDay.get('game-card')).toEqual({ quantity: 4, amount: 39_600 });
  });

  it('reads the facts off an OrderPaid event', () => {
    const data = OrderPaid.schema.parse({
      orderId: 'order-9',
      shopOrderId: 'shop-9',
      buyer: { buyerId: 'buyer-9', email: 'a@example.com', phone: '13800138000', ip: '203.0.113.9', deviceId: 'd-9' },
      lines: [{ lineId: 'l-1', productId: 'game-card', quantity: 2, unitPrice: 500 }],
      amount: 1_000,
      currency: 'CNY',
      paymentChannel: 'alipay',
      paymentAccount: 'alipay:1',
      paidAt: '2026-11-27T12:00:00+08:00',
    });
    expect(paidOrderFacts(data)).toEqual({
      orderId: 'order-9',
      buyerId: 'buyer-9',
      email: 'a@example.com',
      phone: '13800138000',
      ip: '203.0.113.9',
      deviceId: 'd-9',
      paymentAccount: 'alipay:1',
      amount: 1_000,
      currency: 'CNY',
      lines: [{ productId: 'game-card', quantity: 2, unitPrice: 500 }],
      paidAt: new Date('2026-11-27T04:00:00Z'),
    });
  });
});
