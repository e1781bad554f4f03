import { buildRuleSet, RuleSetDefinition } from './rule-set-definition';

const definition = {
  version: 3,
  currency: 'CNY',
  thresholds: { review: 50, reject: 100 },
  watchWeight: 30,
  rules: [
    {
      id: 'velocity.buyer.orders.1h',
      kind: 'velocity',
      mode: 'live',
      weight: 60,
      dimension: 'buyerId',
      window: '1h',
      maxOrders: 5,
    },
    {
      id: 'burst.shop.1m',
      kind: 'identical-amount-burst',
      mode: 'live',
      weight: 60,
      scope: 'shop',
      window: '1m',
      minOrders: 5,
      minDistinctBuyers: 5,
    },
    { id: 'limit.order-quantity', kind: 'limit', mode: 'live', weight: 100, measure: 'order-quantity', max: 20 },
    { id: 'new-buyer.high-value', kind: 'new-buyer-high-value', mode: 'shadow', weight: 30, minAmount: 50_000 },
  ],
};

describe('RuleSetDefinition', () => {
  it('builds every kind of rule, in order, with its mode, weight and category', () => {
    const ruleSet = buildRuleSet(RuleSetDefinition.parse(definition));
    expect(ruleSet).toMatchObject({
      version: 3,
      currency: 'CNY',
      thresholds: { review: 50, reject: 100 },
      watchWeight: 30,
    });
    expect(ruleSet.rules.map(({ id, mode, weight, category }) => ({ id, mode, weight, category }))).toEqual([
      { id: 'velocity.buyer.orders.1h', mode: 'live', weight: 60, category: 'velocity' },
      { id: 'burst.shop.1m', mode: 'live', weight: 60, category: 'burst' },
      { id: 'limit.order-quantity', mode: 'live', weight: 100, category: 'limit' },
      { id: 'new-buyer.high-value', mode: 'shadow', weight: 30, category: 'new-buyer' },
    ]);
  });

  it('refuses a review threshold above the reject threshold', () => {
    const result = RuleSetDefinition.safeParse({ ...definition, thresholds: { review: 120, reject: 100 } });
    expect(result.error?.issues).toMatchObject([
      {
        path: ['thresholds', 'review'],
        message: 'the review threshold (120) must not be above the reject threshold (100)',
      },
    ]);
  });

  it('refuses two rules with one id', () => {
    const result = RuleSetDefinition.safeParse({
      ...definition,
      rules: [definition.rules[0], { ...definition.rules[2], id: definition.rules[0].id }],
    });
    expect(result.error?.issues).toMatchObject([
      { path: ['rules', 1, 'id'], message: 'rule id velocity.buyer.orders.1h is used twice' },
    ]);
  });

  it('names the field of a rule that is wrong', () => {
    const result = RuleSetDefinition.safeParse({ ...definition, rules: [{ ...definition.rules[0], window: '2h' }] });
    expect(result.error?.issues[0].path).toEqual(['rules', 0, 'window']);
  });

  it('refuses an unknown kind of rule and an id with blanks', () => {
    expect(
      RuleSetDefinition.safeParse({ ...definition, rules: [{ ...definition.rules[0], kind: 'magic' }] }).success,
    ).toBe(false);
    const result = RuleSetDefinition.safeParse({
      ...definition,
      rules: [{ ...definition.rules[0], id: 'Has Blanks' }],
    });
    expect(result.error?.issues[0].message).toBe(
      'rule ids are lower-case letters, digits, ".", "-" and "_", up to 128 characters',
    );
  });
});
