import type { Assessment } from './assess-order';
import { ENGINE_RULE_IDS } from './assess-order';
import type { Thresholds } from './risk-rule';

/** The `rule` label when no rule fired. */
export const NO_RULE = 'none';
/** The `rule` label when only the summed score of several rules crossed the threshold. */
export const SUMMED_SCORE = 'score';

/**
 * The rule that decided an assessment, for `cardlink_risk_decisions_total`
 * (docs/metrics.md): always a rule id of the rule set or of the engine, or
 * `none` / `score`, so the label stays bounded by the configured rules and
 * never carries buyer data. Shadow rules never decide.
 *
 * - fail safe: the live rule or engine check that could not be evaluated;
 * - a standing block entry: `list.block`;
 * - otherwise the highest-weighted live rule that fired (the first on a tie),
 *   unless the decision is review or reject and that rule alone stays below
 *   the threshold the decision crossed: then `score`;
 * - an allowed buyer approved with nothing weighed against them: `list.allow`;
 * - nothing fired: `none`.
 *
 * `thresholds` is absent when no rule set could be read (the engine failed safe).
 */
export function decidingRule(assessment: Assessment, thresholds: Thresholds | undefined): string {
  const live = assessment.firedRules.filter((rule) => rule.mode === 'live');
  if (assessment.decidedBy === 'fail-safe') {
    const cause = live.find((rule) => rule.ruleId.startsWith('engine.') || rule.observed['error'] === true);
    return cause?.ruleId ?? ENGINE_RULE_IDS.failure;
  }
  if (live.some((rule) => rule.ruleId === ENGINE_RULE_IDS.block)) return ENGINE_RULE_IDS.block;
  const weighed = live.filter((rule) => rule.weight > 0);
  const heaviest = weighed.reduce<(typeof weighed)[number] | undefined>((top, rule) => (top && top.weight >= rule.weight ? top : rule), undefined);
  if (!heaviest) {
    if (live.some((rule) => rule.ruleId === ENGINE_RULE_IDS.allow)) return ENGINE_RULE_IDS.allow;
    return NO_RULE;
  }
  if (assessment.decision === 'approve' || !thresholds) return heaviest.ruleId;
  const crossed = assessment.decision === 'reject' ? thresholds.reject : thresholds.review;
  return heaviest.weight >= crossed ? heaviest.ruleId : SUMMED_SCORE;
}
