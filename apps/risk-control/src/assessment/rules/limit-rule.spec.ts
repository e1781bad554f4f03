import { counters, someFeatures, windows } from '../features.testing';
import { LimitRuleDefinition, limitRule } from './limit-rule';

const rule = (overrides: Partial<LimitRuleDefinition>) =>
  limitRule(
    LimitRuleDefinition.parse({
      id: 'limit',
      mode: 'live',
      weight: 100,
      kind: 'limit',
      measure: 'order-quantity',
      max: 5,
      ...overrides,
    }),
    'CNY',
  );

const twoProducts = someFeatures({
  amount: 23_000,
  lines: [
    { productId: 'game-card', quantity: 3, amount: 15_000 },
    { productId: 'gift-card', quantity: 4, amount: 8_000 },
  ],
  counters: counters({
    velocity: { buyerId: windows({ count: 3, amount: 60_000 }) },
    buyerProductDay: new Map([
      ['game-card', { quantity: 9, amount: 45_000 }],
      ['gift-card', { quantity: 4, amount: 8_000 }],
    ]),
  }),
});

describe('limit rule', () => {
  it('limits the units of one order', () => {
    expect(rule({ max: 7 }).evaluate(twoProducts)).toMatchObject({
      fired: false,
      observed: { measure: 'order-quantity', max: 7, value: 7 },
    });
    expect(rule({ max: 6 }).evaluate(twoProducts)).toEqual({
      fired: true,
      reason: 'units in this order is 7, above the limit of 6',
      observed: { measure: 'order-quantity', max: 6, value: 7 },
    });
  });

  it('limits the units of one product in one order', () => {
    expect(rule({ productId: 'game-card', max: 2 }).evaluate(twoProducts)).toMatchObject({
      fired: true,
      observed: { productId: 'game-card', value: 3 },
    });
    expect(rule({ productId: 'gift-card', max: 4 }).evaluate(twoProducts).fired).toBe(false);
  });

  it('limits the amount of one order, and of one product in it', () => {
    expect(rule({ measure: 'order-amount', max: 22_999 }).evaluate(twoProducts)).toMatchObject({
      fired: true,
      reason: 'amount of this order is CN¥230.00, above the limit of CN¥229.99',
    });
    expect(rule({ measure: 'order-amount', productId: 'gift-card', max: 8_000 }).evaluate(twoProducts).fired).toBe(
      false,
    );
  });

  it("limits the buyer's amount over the rolling day, this order included", () => {
    expect(rule({ measure: 'buyer-daily-amount', max: 59_999 }).evaluate(twoProducts)).toMatchObject({
      fired: true,
      observed: { value: 60_000 },
    });
    expect(rule({ measure: 'buyer-daily-amount', max: 60_000 }).evaluate(twoProducts).fired).toBe(false);
  });

  it("limits the buyer's amount and units of one product over the rolling day", () => {
    expect(
      rule({ measure: 'buyer-daily-amount', productId: 'game-card', max: 40_000 }).evaluate(twoProducts),
    ).toMatchObject({
      fired: true,
      reason: "buyer's amount over the last 24h for product game-card is CN¥450.00, above the limit of CN¥400.00",
    });
    expect(
      rule({ measure: 'buyer-daily-quantity', productId: 'game-card', max: 8 }).evaluate(twoProducts),
    ).toMatchObject({ fired: true, observed: { value: 9 } });
    expect(rule({ measure: 'buyer-daily-quantity', productId: 'gift-card', max: 8 }).evaluate(twoProducts).fired).toBe(
      false,
    );
  });

  it('does not limit an order without the product', () => {
    expect(rule({ productId: 'other', max: 0 }).evaluate(twoProducts)).toEqual({
      fired: false,
      reason: 'the order does not contain product other',
      observed: { measure: 'order-quantity', max: 0, productId: 'other' },
    });
  });

  it('cannot be evaluated without the counters it needs', () => {
    const bare = someFeatures({ counters: counters({ velocity: {}, buyerProductDay: new Map() }) });
    expect(() => rule({ measure: 'buyer-daily-amount' }).evaluate(bare)).toThrow(
      'no 24h counter for the buyer of order order-1',
    );
    expect(() => rule({ measure: 'buyer-daily-quantity', productId: 'product-1' }).evaluate(bare)).toThrow(
      'no 24h counter for product product-1',
    );
  });

  it('counts daily units per product only', () => {
    const result = LimitRuleDefinition.safeParse({
      id: 'l',
      mode: 'live',
      weight: 1,
      kind: 'limit',
      measure: 'buyer-daily-quantity',
      max: 3,
    });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['productId'],
      message: 'buyer-daily-quantity is counted per product: give a productId',
    });
  });
});
