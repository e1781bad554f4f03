import { z } from 'zod';
import { OrderFeatures } from '../order-features';
import { RiskRule, RuleOutcome } from '../risk-rule';
import { Amount, formatAmount, RuleDefinitionBase } from './rule-definition';

export const NewBuyerHighValueRuleDefinition = z.object({
  ...RuleDefinitionBase,
  kind: z.literal('new-buyer-high-value'),
  /** fires for a buyer's first order when its amount is at least this (minor units) */
  minAmount: Amount,
});
export type NewBuyerHighValueRuleDefinition = z.infer<typeof NewBuyerHighValueRuleDefinition>;

/** A first order that is also a large one: stolen payment means are spent fast, by fresh accounts. */
export function newBuyerHighValueRule(definition: NewBuyerHighValueRuleDefinition, currency: string): RiskRule {
  const { id, mode, weight, minAmount } = definition;
  return {
    id,
    mode,
    weight,
    category: 'new-buyer',
    evaluate(features: OrderFeatures): RuleOutcome {
      const fired = features.isNewBuyer && features.amount >= minAmount;
      const observed = { isNewBuyer: features.isNewBuyer, amount: features.amount, minAmount };
      if (fired) {
        return {
          fired,
          reason: `first order of a new buyer for ${formatAmount(features.amount, currency)} (high value from ${formatAmount(minAmount, currency)})`,
          observed,
        };
      }
      return {
        fired,
        reason: features.isNewBuyer ? 'new buyer, but not a high-value order' : 'the buyer ordered before',
        observed,
      };
    },
  };
}
