import type { Assessment } from './assess-order';
import { decidingRule } from './deciding-rule';
import type { FiredRule } from './risk-rule';

const thresholds = { review: 50, reject: 100 };

function fired(ruleId: string, weight: number, extra: Partial<FiredRule> = {}): FiredRule {
  return { ruleId, mode: 'live', weight, reason: `${ruleId} fired`, observed: {}, ...extra };
}

function assessment(decision: Assessment['decision'], firedRules: FiredRule[], decidedBy: Assessment['decidedBy'] = 'engine'): Assessment {
  const score = firedRules.filter((r) => r.mode === 'live').reduce((sum, r) => sum + r.weight, 0);
  return { decision, score, firedRules, ruleSetVersion: 1, decidedBy };
}

describe('decidingRule', () => {
  it('is none when no rule fired, and list.allow when only the allow list did', () => {
    expect(decidingRule(assessment('approve', []), thresholds)).toBe('none');
    expect(decidingRule(assessment('approve', [fired('list.allow', 0)]), thresholds)).toBe('list.allow');
  });

  it('names a standing block entry whatever else fired', () => {
    expect(decidingRule(assessment('reject', [fired('list.block', 0), fired('velocity-buyer-1h', 60)]), thresholds)).toBe('list.block');
  });

  it('names the heaviest live rule when it alone crosses the threshold of the decision', () => {
    expect(decidingRule(assessment('review', [fired('limit.amount', 40), fired('velocity-buyer-1h', 60)]), thresholds)).toBe('velocity-buyer-1h');
    expect(decidingRule(assessment('reject', [fired('blocklist-device', 100), fired('limit.amount', 40)]), thresholds)).toBe('blocklist-device');
  });

  it('is score when only the sum of several rules crossed the threshold', () => {
    expect(decidingRule(assessment('review', [fired('limit.amount', 30), fired('list.watch', 30)]), thresholds)).toBe('score');
    // 60 holds for review on its own but only the sum reached reject.
    expect(decidingRule(assessment('reject', [fired('velocity-buyer-1h', 60), fired('limit.amount', 40)]), thresholds)).toBe('score');
  });

  it('never lets a shadow rule decide', () => {
    const shadow = fired('new-rule-on-trial', 500, { mode: 'shadow' });
    expect(decidingRule(assessment('approve', [shadow]), thresholds)).toBe('none');
    expect(decidingRule(assessment('review', [shadow, fired('velocity-buyer-1h', 60)]), thresholds)).toBe('velocity-buyer-1h');
  });

  it('names the heaviest rule that fired below the thresholds of an approved order, the first on a tie', () => {
    expect(decidingRule(assessment('approve', [fired('limit.amount', 20), fired('burst.shop', 20)]), thresholds)).toBe('limit.amount');
  });

  it('names what could not be evaluated when the engine failed safe', () => {
    expect(decidingRule(assessment('review', [fired('engine.failure', 0, { observed: { error: true } })], 'fail-safe'), undefined)).toBe('engine.failure');
    expect(decidingRule(assessment('review', [fired('engine.unsupported-currency', 0)], 'fail-safe'), thresholds)).toBe('engine.unsupported-currency');
    expect(decidingRule(assessment('review', [fired('limit.amount', 0, { observed: { error: true } })], 'fail-safe'), thresholds)).toBe('limit.amount');
  });
});
