import { evaluateLists, ListVerdict } from '../lists/list-verdict';
import { ListEntry } from '../lists/list-entry';
import { OrderFeatures } from './order-features';
import { DecidedBy, FiredRule, RiskDecision, RuleSet, Thresholds } from './risk-rule';

export interface Assessment {
  readonly decision: RiskDecision;
  /** sum of the weights of the live rules that fired (shadow rules never count) */
  readonly score: number;
  /** live and shadow, in evaluation order: lists first, then the rule set's rules */
  readonly firedRules: readonly FiredRule[];
  readonly ruleSetVersion: number;
  readonly decidedBy: Extract<DecidedBy, 'engine' | 'fail-safe'>;
}

/** Rule ids the engine itself reports under, beside the rule set's own. */
export const ENGINE_RULE_IDS = {
  block: 'list.block',
  allow: 'list.allow',
  watch: 'list.watch',
  unsupportedCurrency: 'engine.unsupported-currency',
  failure: 'engine.failure',
} as const;

const MAX_REASON = 500;

/**
 * Decides on one order. Pure: the same features, rule set, list entries and
 * `now` always give the same assessment.
 *
 * Lists come first: a block entry that stands (see evaluateLists) rejects
 * whatever the score; an allow entry skips the velocity rules; a watch entry
 * adds the rule set's watch weight. The score is the sum of the weights of the
 * live rules that fired and maps to review / reject through the thresholds.
 * Fail safe: a live rule that cannot be evaluated, or an order in a currency
 * the rule set has no amounts for, holds the order for review at least: it is
 * never approved on a guess. A shadow rule that fails is recorded and ignored.
 *
 * `lists` may be every entry or just those the store found for the order's
 * identifiers: each is matched again here.
 */
export function assessOrder(
  features: OrderFeatures,
  ruleSet: RuleSet,
  lists: readonly ListEntry[],
  now: Date,
): Assessment {
  const verdict = evaluateLists(features, lists, now);
  const allowed = verdict.outcome === 'allowed';
  const skippedVelocityRules = allowed ? ruleSet.rules.filter((rule) => rule.category === 'velocity').length : 0;
  const firedRules: FiredRule[] = listRules(verdict, ruleSet.watchWeight, skippedVelocityRules);
  let cannotEvaluate = false;

  if (features.currency !== ruleSet.currency) {
    cannotEvaluate = true;
    firedRules.push({
      ruleId: ENGINE_RULE_IDS.unsupportedCurrency,
      mode: 'live',
      weight: 0,
      reason: `rule set ${ruleSet.version} sets its amounts in ${ruleSet.currency}; an order in ${features.currency} cannot be measured against them`,
      observed: { currency: features.currency, ruleSetCurrency: ruleSet.currency },
    });
  }

  for (const rule of ruleSet.rules) {
    if (allowed && rule.category === 'velocity') continue;
    try {
      const outcome = rule.evaluate(features);
      if (outcome.fired) {
        firedRules.push({
          ruleId: rule.id,
          mode: rule.mode,
          weight: rule.weight,
          reason: clip(outcome.reason),
          observed: outcome.observed,
        });
      }
    } catch (error) {
      if (rule.mode === 'live') cannotEvaluate = true;
      firedRules.push({
        ruleId: rule.id,
        mode: rule.mode,
        weight: 0,
        reason: clip(`could not be evaluated, so it cannot approve the order: ${messageOf(error)}`),
        observed: { error: true },
      });
    }
  }

  const score = firedRules.filter((rule) => rule.mode === 'live').reduce((sum, rule) => sum + rule.weight, 0);
  const scored = verdict.outcome === 'blocked' ? 'reject' : decisionFor(score, ruleSet.thresholds);
  const failSafe = cannotEvaluate && scored === 'approve';
  return {
    decision: failSafe ? 'review' : scored,
    score,
    firedRules,
    ruleSetVersion: ruleSet.version,
    decidedBy: failSafe ? 'fail-safe' : 'engine',
  };
}

export function decisionFor(score: number, thresholds: Thresholds): RiskDecision {
  if (score >= thresholds.reject) return 'reject';
  if (score >= thresholds.review) return 'review';
  return 'approve';
}

/** What to record when an order could not be assessed at all (its features could not be built). */
export function failSafeAssessment(ruleSetVersion: number, error: unknown): Assessment {
  return {
    decision: 'review',
    score: 0,
    firedRules: [
      {
        ruleId: ENGINE_RULE_IDS.failure,
        mode: 'live',
        weight: 0,
        reason: clip(`the order could not be assessed, so it waits for a reviewer: ${messageOf(error)}`),
        observed: { error: true },
      },
    ],
    ruleSetVersion,
    decidedBy: 'fail-safe',
  };
}

function listRules(verdict: ListVerdict, watchWeight: number, skippedVelocityRules: number): FiredRule[] {
  const [first] = verdict.decisive;
  if (!first) return [];
  const more = verdict.decisive.length > 1 ? ` and ${verdict.decisive.length - 1} more entries` : '';
  const entry = `entry ${first.id}, set by ${first.setBy}: ${first.reason}`;
  const observed = {
    field: first.field,
    entryId: first.id,
    setBy: first.setBy,
    expiresAt: first.expiresAt?.toISOString() ?? 'never',
    matchedEntries: verdict.decisive.length,
    overriddenEntries: verdict.overridden.length,
  };
  switch (verdict.outcome) {
    case 'blocked':
      return [
        {
          ruleId: ENGINE_RULE_IDS.block,
          mode: 'live',
          weight: 0,
          reason: clip(
            `${first.field} is on the block list${first.overridable ? '' : ' (not overridable)'} (${entry})${more}`,
          ),
          observed: { ...observed, overridable: first.overridable },
        },
      ];
    case 'allowed':
      return [
        {
          ruleId: ENGINE_RULE_IDS.allow,
          mode: 'live',
          weight: 0,
          reason: clip(`${first.field} is on the allow list (${entry})${more}; velocity rules skipped`),
          observed: { ...observed, skippedVelocityRules },
        },
      ];
    case 'watched':
      return [
        {
          ruleId: ENGINE_RULE_IDS.watch,
          mode: 'live',
          weight: watchWeight,
          reason: clip(`${first.field} is on the watch list (${entry})${more}`),
          observed,
        },
      ];
    case 'clear':
      return [];
  }
}

function clip(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
