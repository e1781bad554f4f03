import { someFeatures } from '../features.testing';
import { NewBuyerHighValueRuleDefinition, newBuyerHighValueRule } from './new-buyer-high-value-rule';

const rule = newBuyerHighValueRule(
  NewBuyerHighValueRuleDefinition.parse({
    id: 'new-buyer.high-value',
    mode: 'live',
    weight: 30,
    kind: 'new-buyer-high-value',
    minAmount: 50_000,
  }),
  'CNY',
);

describe('new buyer and high value rule', () => {
  it('fires on a new buyer whose first order reaches the amount', () => {
    expect(rule.evaluate(someFeatures({ isNewBuyer: true, amount: 50_000 }))).toEqual({
      fired: true,
      reason: 'first order of a new buyer for CN¥500.00 (high value from CN¥500.00)',
      observed: { isNewBuyer: true, amount: 50_000, minAmount: 50_000 },
    });
  });

  it('stays quiet for a new buyer below the amount', () => {
    expect(rule.evaluate(someFeatures({ isNewBuyer: true, amount: 49_999 }))).toMatchObject({
      fired: false,
      reason: 'new buyer, but not a high-value order',
    });
  });

  it('stays quiet for a known buyer, however large the order', () => {
    expect(rule.evaluate(someFeatures({ isNewBuyer: false, amount: 10_000_000 }))).toMatchObject({
      fired: false,
      reason: 'the buyer ordered before',
    });
  });
});
