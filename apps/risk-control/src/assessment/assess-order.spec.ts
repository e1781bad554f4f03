import { RiskAssessed } from '@cardlink/contracts';
import { ListEntry, ListEntryInput } from '../lists/list-entry';
import { assessOrder, decisionFor, failSafeAssessment } from './assess-order';
import { counters, someFeatures, windows } from './features.testing';
import { OrderFeatures } from './order-features';
import { RiskRule, RuleCategory, RuleMode, RuleSet } from './risk-rule';

const NOW = new Date('2026-11-27T12:00:00.000Z');

function fixedRule(
  id: string,
  fired: boolean,
  weight: number,
  mode: RuleMode = 'live',
  category: RuleCategory = 'limit',
): RiskRule {
  return {
    id,
    mode,
    weight,
    category,
    evaluate: () => ({ fired, reason: `${id} says ${fired}`, observed: { seen: id } }),
  };
}

function failingRule(id: string, mode: RuleMode): RiskRule {
  return {
    id,
    mode,
    weight: 10,
    category: 'limit',
    evaluate: () => {
      throw new Error('counter missing');
    },
  };
}

function ruleSet(rules: RiskRule[], overrides: Partial<RuleSet> = {}): RuleSet {
  return { version: 7, currency: 'CNY', thresholds: { review: 50, reject: 100 }, watchWeight: 30, rules, ...overrides };
}

function list(
  input: Omit<ListEntryInput, 'setBy' | 'reason'> & Partial<Pick<ListEntryInput, 'setBy' | 'reason'>>,
): ListEntry {
  return ListEntryInput.parse({ setBy: 'ops@merchant', reason: 'chargeback', ...input });
}

const features = someFeatures({
  email: 'Fraud@Example.com',
  deviceId: 'device-1',
  counters: counters({
    velocity: { buyerId: windows({ count: 9, amount: 90_000 }), deviceId: windows({ count: 1, amount: 10_000 }) },
  }),
});

describe('assessOrder', () => {
  it('approves when nothing fires, and says which rule set it used', () => {
    expect(assessOrder(features, ruleSet([fixedRule('quiet', false, 80)]), [], NOW)).toEqual({
      decision: 'approve',
      score: 0,
      firedRules: [],
      ruleSetVersion: 7,
      decidedBy: 'engine',
    });
  });

  it('sums the weights of the live rules that fired and maps the score through the thresholds', () => {
    const result = assessOrder(
      features,
      ruleSet([fixedRule('a', true, 30), fixedRule('b', false, 500), fixedRule('c', true, 25)]),
      [],
      NOW,
    );
    expect(result).toMatchObject({ decision: 'review', score: 55, decidedBy: 'engine' });
    expect(result.firedRules).toEqual([
      { ruleId: 'a', mode: 'live', weight: 30, reason: 'a says true', observed: { seen: 'a' } },
      { ruleId: 'c', mode: 'live', weight: 25, reason: 'c says true', observed: { seen: 'c' } },
    ]);
  });

  it('maps score to decision with inclusive thresholds', () => {
    const thresholds = { review: 50, reject: 100 };
    expect([49.5, 50, 99, 100, 1_000].map((score) => decisionFor(score, thresholds))).toEqual([
      'approve',
      'review',
      'review',
      'reject',
      'reject',
    ]);
  });

  it('records a shadow rule that fired without letting it count', () => {
    const withShadow = assessOrder(
      features,
      ruleSet([fixedRule('live', true, 30), fixedRule('trial', true, 500, 'shadow')]),
      [],
      NOW,
    );
    const without = assessOrder(features, ruleSet([fixedRule('live', true, 30)]), [], NOW);
    expect(withShadow).toMatchObject({ decision: without.decision, score: without.score });
    expect(withShadow.decision).toBe('approve');
    expect(withShadow.firedRules.map((rule) => [rule.ruleId, rule.mode, rule.weight])).toEqual([
      ['live', 'live', 30],
      ['trial', 'shadow', 500],
    ]);
  });

  describe('lists', () => {
    it('rejects a blocked email whatever the score, case-insensitively', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [list({ id: 'b-1', kind: 'block', field: 'email', value: 'fraud@example.COM' })],
        NOW,
      );
      expect(result).toEqual({
        decision: 'reject',
        score: 0,
        ruleSetVersion: 7,
        decidedBy: 'engine',
        firedRules: [
          {
            ruleId: 'list.block',
            mode: 'live',
            weight: 0,
            reason: 'email is on the block list (not overridable) (entry b-1, set by ops@merchant: chargeback)',
            observed: {
              field: 'email',
              entryId: 'b-1',
              setBy: 'ops@merchant',
              expiresAt: 'never',
              matchedEntries: 1,
              overriddenEntries: 0,
              overridable: false,
            },
          },
        ],
      });
    });

    it('rejects on a non-overridable block even when an allow entry matches', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [
          list({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1' }),
          list({ id: 'block', kind: 'block', field: 'deviceId', value: 'device-1' }),
        ],
        NOW,
      );
      expect(result.decision).toBe('reject');
      expect(result.firedRules.map((rule) => rule.ruleId)).toEqual(['list.block']);
      expect(result.firedRules[0].observed).toMatchObject({ overriddenEntries: 1 });
    });

    it('lets an allowed buyer skip velocity rules, and only those', () => {
      const rules = [fixedRule('velocity', true, 60, 'live', 'velocity'), fixedRule('limit', true, 20)];
      expect(assessOrder(features, ruleSet(rules), [], NOW)).toMatchObject({ decision: 'review', score: 80 });
      const allowed = assessOrder(
        features,
        ruleSet(rules),
        [list({ id: 'vip', kind: 'allow', field: 'buyerId', value: 'buyer-1', reason: 'known reseller' })],
        NOW,
      );
      expect(allowed).toMatchObject({ decision: 'approve', score: 20 });
      expect(allowed.firedRules.map((rule) => rule.ruleId)).toEqual(['list.allow', 'limit']);
      expect(allowed.firedRules[0]).toMatchObject({
        reason: 'buyerId is on the allow list (entry vip, set by ops@merchant: known reseller); velocity rules skipped',
        observed: { skippedVelocityRules: 1 },
      });
    });

    it('lets an allow entry lift an overridable block', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [
          list({ id: 'block', kind: 'block', field: 'deviceId', value: 'device-1', overridable: true }),
          list({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1' }),
        ],
        NOW,
      );
      expect(result.decision).toBe('approve');
      expect(result.firedRules[0]).toMatchObject({ ruleId: 'list.allow', observed: { overriddenEntries: 1 } });
    });

    it('rejects on an overridable block nobody lifted', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [list({ id: 'block', kind: 'block', field: 'deviceId', value: 'device-1', overridable: true })],
        NOW,
      );
      expect(result.decision).toBe('reject');
      expect(result.firedRules[0]).toMatchObject({
        ruleId: 'list.block',
        reason: 'deviceId is on the block list (entry block, set by ops@merchant: chargeback)',
        observed: { overridable: true },
      });
    });

    it('adds the watch weight once however many watch entries match', () => {
      const result = assessOrder(
        features,
        ruleSet([fixedRule('limit', true, 20)]),
        [
          list({ id: 'w1', kind: 'watch', field: 'buyerId', value: 'buyer-1' }),
          list({ id: 'w2', kind: 'watch', field: 'email', value: 'fraud@example.com' }),
        ],
        NOW,
      );
      expect(result).toMatchObject({ decision: 'review', score: 50 });
      expect(result.firedRules[0]).toMatchObject({
        ruleId: 'list.watch',
        weight: 30,
        reason: 'buyerId is on the watch list (entry w1, set by ops@merchant: chargeback) and 1 more entries',
      });
    });

    it('lets an allow entry cancel the watch weight', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [
          list({ id: 'w', kind: 'watch', field: 'buyerId', value: 'buyer-1' }),
          list({ id: 'a', kind: 'allow', field: 'email', value: 'fraud@example.com' }),
        ],
        NOW,
      );
      expect(result).toMatchObject({ decision: 'approve', score: 0 });
    });

    it('ignores a block entry expiring exactly now', () => {
      const result = assessOrder(
        features,
        ruleSet([]),
        [list({ id: 'b', kind: 'block', field: 'buyerId', value: 'buyer-1', expiresAt: NOW.toISOString() })],
        NOW,
      );
      expect(result).toMatchObject({ decision: 'approve', firedRules: [] });
    });
  });

  describe('fail safe', () => {
    it('holds the order for review when a live rule cannot be evaluated', () => {
      const result = assessOrder(features, ruleSet([failingRule('broken', 'live')]), [], NOW);
      expect(result).toMatchObject({ decision: 'review', score: 0, decidedBy: 'fail-safe' });
      expect(result.firedRules).toEqual([
        {
          ruleId: 'broken',
          mode: 'live',
          weight: 0,
          reason: 'could not be evaluated, so it cannot approve the order: counter missing',
          observed: { error: true },
        },
      ]);
    });

    it('still rejects when the score rejects anyway', () => {
      const result = assessOrder(
        features,
        ruleSet([failingRule('broken', 'live'), fixedRule('big', true, 150)]),
        [],
        NOW,
      );
      expect(result).toMatchObject({ decision: 'reject', decidedBy: 'engine' });
    });

    it('records a shadow rule that fails and changes nothing', () => {
      const result = assessOrder(features, ruleSet([failingRule('trial', 'shadow')]), [], NOW);
      expect(result).toMatchObject({ decision: 'approve', decidedBy: 'engine' });
      expect(result.firedRules).toMatchObject([{ ruleId: 'trial', mode: 'shadow', observed: { error: true } }]);
    });

    it('holds an order in a currency the rule set has no amounts for', () => {
      const result = assessOrder({ ...features, currency: 'USD' } as OrderFeatures, ruleSet([]), [], NOW);
      expect(result).toMatchObject({ decision: 'review', decidedBy: 'fail-safe' });
      expect(result.firedRules[0]).toMatchObject({
        ruleId: 'engine.unsupported-currency',
        observed: { currency: 'USD', ruleSetCurrency: 'CNY' },
      });
    });

    it('gives a review for an order that could not be assessed at all', () => {
      expect(failSafeAssessment(3, new Error('bad lines'))).toEqual({
        decision: 'review',
        score: 0,
        ruleSetVersion: 3,
        decidedBy: 'fail-safe',
        firedRules: [
          {
            ruleId: 'engine.failure',
            mode: 'live',
            weight: 0,
            reason: 'the order could not be assessed, so it waits for a reviewer: bad lines',
            observed: { error: true },
          },
        ],
      });
    });
  });

  it('clips a long reason to what the event allows', () => {
    const chatty: RiskRule = {
      ...fixedRule('chatty', true, 1),
      evaluate: () => ({ fired: true, reason: 'x'.repeat(900), observed: {} }),
    };
    expect(assessOrder(features, ruleSet([chatty]), [], NOW).firedRules[0].reason).toHaveLength(500);
  });

  it('produces exactly what RiskAssessed carries', () => {
    const result = assessOrder(
      features,
      ruleSet([fixedRule('a', true, 30), fixedRule('trial', true, 5, 'shadow'), failingRule('broken', 'shadow')]),
      [list({ id: 'w', kind: 'watch', field: 'buyerId', value: 'buyer-1', expiresAt: '2027-01-01T00:00:00Z' })],
      NOW,
    );
    const event = { orderId: features.orderId, assessmentId: 'assessment-1', assessedAt: NOW.toISOString(), ...result };
    expect(RiskAssessed.schema.parse(event)).toEqual(event);
  });
});
