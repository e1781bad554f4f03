import { counters, someFeatures, windows } from '../features.testing';
import { VelocityRuleDefinition, velocityRule } from './velocity-rule';

const rule = (overrides: Partial<VelocityRuleDefinition> = {}) =>
  velocityRule(
    VelocityRuleDefinition.parse({
      id: 'velocity.buyer.1h',
      mode: 'live',
      weight: 40,
      kind: 'velocity',
      dimension: 'buyerId',
      window: '1h',
      maxOrders: 3,
      ...overrides,
    }),
    'CNY',
  );

describe('velocity rule', () => {
  it('stays quiet up to maxOrders, this order included', () => {
    const features = someFeatures({
      counters: counters({
        velocity: { buyerId: windows({ count: 1, amount: 0 }, { '1h': { count: 3, amount: 30_000 } }) },
      }),
    });
    expect(rule().evaluate(features)).toEqual({
      fired: false,
      reason: 'this buyer stayed within its 1h velocity limits',
      observed: { dimension: 'buyerId', window: '1h', orders: 3, amount: 30_000, maxOrders: 3 },
    });
  });

  it('fires on the order past maxOrders and says what it saw', () => {
    const features = someFeatures({
      counters: counters({
        velocity: { buyerId: windows({ count: 1, amount: 0 }, { '1h': { count: 4, amount: 40_000 } }) },
      }),
    });
    expect(rule().evaluate(features)).toEqual({
      fired: true,
      reason: 'this buyer placed 4 orders (at most 3) in the last 1h',
      observed: { dimension: 'buyerId', window: '1h', orders: 4, amount: 40_000, maxOrders: 3 },
    });
  });

  it('reads only its own window', () => {
    const features = someFeatures({
      counters: counters({
        velocity: { buyerId: windows({ count: 9, amount: 0 }, { '1h': { count: 1, amount: 0 } }) },
      }),
    });
    expect(rule().evaluate(features).fired).toBe(false);
  });

  it('fires on amount over the window', () => {
    const ipRule = rule({
      id: 'velocity.ip.amount.24h',
      dimension: 'ip',
      window: '24h',
      maxOrders: undefined,
      maxAmount: 100_000,
    });
    const features = someFeatures({
      ip: '203.0.113.7',
      counters: counters({ velocity: { ip: windows({ count: 2, amount: 100_001 }) } }),
    });
    expect(ipRule.evaluate(features)).toMatchObject({
      fired: true,
      reason: 'this IP placed CN¥1,000.01 (at most CN¥1,000.00) in the last 24h',
      observed: { dimension: 'ip', window: '24h', orders: 2, amount: 100_001, maxAmount: 100_000 },
    });
  });

  it('names both excesses when orders and amount are over', () => {
    const both = rule({ dimension: 'paymentAccount', window: '1m', maxOrders: 1, maxAmount: 5_000 });
    const features = someFeatures({
      paymentAccount: 'alipay:1',
      counters: counters({ velocity: { paymentAccount: windows({ count: 2, amount: 20_000 }) } }),
    });
    expect(both.evaluate(features).reason).toBe(
      'this payment account placed 2 orders (at most 1) and CN¥200.00 (at most CN¥50.00) in the last 1m',
    );
  });

  it('does not fire when the order carries no such identifier', () => {
    const deviceRule = rule({ dimension: 'deviceId' });
    expect(deviceRule.evaluate(someFeatures())).toEqual({
      fired: false,
      reason: 'the order carries no device',
      observed: { dimension: 'deviceId', window: '1h' },
    });
  });

  it('cannot be evaluated without its counter (the engine then fails safe)', () => {
    const deviceRule = rule({ dimension: 'deviceId' });
    expect(() => deviceRule.evaluate(someFeatures({ deviceId: 'device-1' }))).toThrow(
      'no 1h counter for the device of order order-1',
    );
  });

  it('needs a limit', () => {
    const result = VelocityRuleDefinition.safeParse({
      id: 'v',
      mode: 'live',
      weight: 1,
      kind: 'velocity',
      dimension: 'ip',
      window: '1m',
    });
    expect(result.error?.issues[0].message).toBe('a velocity rule needs maxOrders, maxAmount or both');
  });
});
