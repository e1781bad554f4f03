import { z } from 'zod';
import { Currency } from '@cardlink/contracts';
import { RiskRule, RuleSet } from './risk-rule';
import { identicalAmountBurstRule, IdenticalAmountBurstRuleDefinition } from './rules/identical-amount-burst-rule';
import { limitRule, LimitRuleDefinition } from './rules/limit-rule';
import { newBuyerHighValueRule, NewBuyerHighValueRuleDefinition } from './rules/new-buyer-high-value-rule';
import { velocityRule, VelocityRuleDefinition } from './rules/velocity-rule';

export const RuleDefinition = z.discriminatedUnion('kind', [
  VelocityRuleDefinition,
  IdenticalAmountBurstRuleDefinition,
  LimitRuleDefinition,
  NewBuyerHighValueRuleDefinition,
]);
export type RuleDefinition = z.infer<typeof RuleDefinition>;

/**
 * A rule set as stored and edited: plain data, versioned as a whole. Every
 * assessment records the version it used, so a change never rewrites history.
 */
export const RuleSetDefinition = z
  .object({
    version: z.number().int().nonnegative(),
    currency: Currency,
    thresholds: z.object({ review: z.number().finite(), reject: z.number().finite() }),
    watchWeight: z.number().finite(),
    rules: z.array(RuleDefinition).max(500),
  })
  .superRefine((ruleSet, ctx) => {
    if (ruleSet.thresholds.review > ruleSet.thresholds.reject) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', 'review'],
        message: `the review threshold (${ruleSet.thresholds.review}) must not be above the reject threshold (${ruleSet.thresholds.reject})`,
      });
    }
    const seen = new Set<string>();
    ruleSet.rules.forEach((rule, index) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `rule id ${rule.id} is used twice` });
      seen.add(rule.id);
    });
  });
export type RuleSetDefinition = z.infer<typeof RuleSetDefinition>;

/** Turns a validated definition into the rules the engine runs. */
export function buildRuleSet(definition: RuleSetDefinition): RuleSet {
  const { version, currency, thresholds, watchWeight } = definition;
  return {
    version,
    currency,
    thresholds,
    watchWeight,
    rules: definition.rules.map((rule) => buildRule(rule, currency)),
  };
}

function buildRule(definition: RuleDefinition, currency: string): RiskRule {
  switch (definition.kind) {
    case 'velocity':
      return velocityRule(definition, currency);
    case 'identical-amount-burst':
      return identicalAmountBurstRule(definition, currency);
    case 'limit':
      return limitRule(definition, currency);
    case 'new-buyer-high-value':
      return newBuyerHighValueRule(definition, currency);
  }
}
