import { burstWindows, counters, someFeatures } from '../features.testing';
import { IdenticalAmountBurstRuleDefinition, identicalAmountBurstRule } from './identical-amount-burst-rule';

const rule = (overrides: Partial<IdenticalAmountBurstRuleDefinition> = {}) =>
  identicalAmountBurstRule(
    IdenticalAmountBurstRuleDefinition.parse({
      id: 'burst.shop.1m',
      mode: 'live',
      weight: 50,
      kind: 'identical-amount-burst',
      scope: 'shop',
      window: '1m',
      minOrders: 5,
      minDistinctBuyers: 4,
      ...overrides,
    }),
    'CNY',
  );

describe('identical-amount burst rule', () => {
  it('fires from the minOrders-th order of the amount from enough buyers, shop-wide', () => {
    const features = someFeatures({
      amount: 9_900,
      counters: counters({ identicalAmount: { shop: burstWindows({ count: 5, distinct: 4 }), products: new Map() } }),
    });
    expect(rule().evaluate(features)).toEqual({
      fired: true,
      reason:
        '5 orders of exactly CN¥99.00 across the shop from 4 buyers in the last 1m (burst from 5 orders and 4 buyers)',
      observed: {
        scope: 'shop',
        window: '1m',
        minOrders: 5,
        minDistinctBuyers: 4,
        amount: 9_900,
        orders: 5,
        distinctBuyers: 4,
      },
    });
  });

  it('stays quiet one order short of minOrders', () => {
    const features = someFeatures({
      counters: counters({ identicalAmount: { shop: burstWindows({ count: 4, distinct: 4 }), products: new Map() } }),
    });
    expect(rule().evaluate(features).fired).toBe(false);
  });

  it('stays quiet when the orders come from too few buyers (one buyer repeating is velocity, not a burst)', () => {
    const features = someFeatures({
      counters: counters({ identicalAmount: { shop: burstWindows({ count: 20, distinct: 3 }), products: new Map() } }),
    });
    expect(rule().evaluate(features)).toMatchObject({
      fired: false,
      reason: 'no burst of CN¥100.00 orders across the shop',
    });
  });

  it('reads its own window', () => {
    const features = someFeatures({
      counters: counters({
        identicalAmount: {
          shop: burstWindows({ count: 1, distinct: 1 }, { '10m': { count: 30, distinct: 30 } }),
          products: new Map(),
        },
      }),
    });
    expect(rule().evaluate(features).fired).toBe(false);
    expect(rule({ window: '10m' }).evaluate(features).fired).toBe(true);
  });

  it('per product, fires on the product of the order that has the burst', () => {
    const features = someFeatures({
      lines: [
        { productId: 'calm', quantity: 1, amount: 5_000 },
        { productId: 'hot', quantity: 1, amount: 5_000 },
      ],
      counters: counters({
        identicalAmount: {
          shop: burstWindows({ count: 1, distinct: 1 }),
          products: new Map([
            ['calm', burstWindows({ count: 1, distinct: 1 })],
            ['hot', burstWindows({ count: 6, distinct: 6 })],
          ]),
        },
        identicalAmountDay: {
          shop: 7,
          products: new Map([
            ['calm', 1],
            ['hot', 6],
          ]),
        },
      }),
    });
    expect(rule({ id: 'burst.product.1m', scope: 'product' }).evaluate(features)).toEqual({
      fired: true,
      reason:
        '6 orders of exactly CN¥100.00 for product hot from 6 buyers in the last 1m (burst from 5 orders and 4 buyers)',
      observed: {
        scope: 'product',
        window: '1m',
        minOrders: 5,
        minDistinctBuyers: 4,
        amount: 10_000,
        productId: 'hot',
        orders: 6,
        distinctBuyers: 6,
      },
    });
  });

  it('per product, stays quiet when no product has a burst', () => {
    expect(rule({ scope: 'product' }).evaluate(someFeatures())).toMatchObject({
      fired: false,
      observed: { productId: 'product-1', orders: 1 },
    });
  });

  it('per product, cannot be evaluated without the product counter', () => {
    const features = someFeatures({
      counters: counters({ identicalAmount: { shop: burstWindows({ count: 1, distinct: 1 }), products: new Map() } }),
    });
    expect(() => rule({ scope: 'product' }).evaluate(features)).toThrow(
      'no 1m identical-amount counter for product product-1 of order order-1',
    );
  });

  describe("against the day's rate of the amount", () => {
    const rated = () => rule({ minTimesDailyRate: 10 });
    const shopWith = (windowOrders: number, dayOrders: number) =>
      someFeatures({
        amount: 9_900,
        counters: counters({
          identicalAmount: { shop: burstWindows({ count: windowOrders, distinct: windowOrders }), products: new Map() },
          identicalAmountDay: { shop: dayOrders, products: new Map() },
        }),
      });

    it('fires on a burst far above the usual rate of the amount', () => {
      // 20 of the day's 20 orders in one minute: 20 / (20 / 1440) = 1440 times the rate.
      expect(rated().evaluate(shopWith(20, 20))).toMatchObject({
        fired: true,
        reason:
          "20 orders of exactly CN¥99.00 across the shop from 20 buyers in the last 1m (burst from 5 orders and 4 buyers, 1440× the day's rate (from 10×))",
        observed: { minTimesDailyRate: 10, dayOrders: 20, timesDailyRate: 1440 },
      });
    });

    it('stays quiet for a popular price selling at its usual pace', () => {
      // 8,640 orders a day of this price are 6 a minute: 6 in a minute is 1× the rate.
      expect(rated().evaluate(shopWith(6, 8_640))).toMatchObject({ fired: false, observed: { timesDailyRate: 1 } });
    });

    it('fires exactly at minTimesDailyRate', () => {
      // 1,440 a day are 1 a minute: 10 in a minute is exactly 10×.
      expect(rated().evaluate(shopWith(10, 1_440)).fired).toBe(true);
      expect(rated().evaluate(shopWith(10, 1_441)).fired).toBe(false);
    });
  });

  it('needs at least two orders and two buyers to call it a burst', () => {
    const result = IdenticalAmountBurstRuleDefinition.safeParse({
      id: 'b',
      mode: 'live',
      weight: 1,
      kind: 'identical-amount-burst',
      scope: 'shop',
      window: '1m',
      minOrders: 1,
      minDistinctBuyers: 1,
    });
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(['minOrders', 'minDistinctBuyers']);
  });
});
