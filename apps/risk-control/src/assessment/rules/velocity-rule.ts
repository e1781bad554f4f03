import { z } from 'zod';
import { OrderFeatures, VELOCITY_DIMENSIONS, VelocityDimension } from '../order-features';
import { Observed, RiskRule, RuleOutcome } from '../risk-rule';
import { WINDOW_IDS } from '../windows';
import { Amount, Count, formatAmount, RuleDefinitionBase } from './rule-definition';

export const VelocityRuleDefinition = z
  .object({
    ...RuleDefinitionBase,
    kind: z.literal('velocity'),
    dimension: z.enum(VELOCITY_DIMENSIONS),
    window: z.enum(WINDOW_IDS),
    /** fires when more orders than this fall in the window, this one included */
    maxOrders: Count.optional(),
    /** fires when their amount exceeds this (minor units) */
    maxAmount: Amount.optional(),
  })
  .refine((rule) => rule.maxOrders !== undefined || rule.maxAmount !== undefined, {
    message: 'a velocity rule needs maxOrders, maxAmount or both',
  });
export type VelocityRuleDefinition = z.infer<typeof VelocityRuleDefinition>;

export const DIMENSION_LABELS: Readonly<Record<VelocityDimension, string>> = {
  buyerId: 'buyer',
  deviceId: 'device',
  ip: 'IP',
  paymentAccount: 'payment account',
};

/** Orders and amount per identifier over a sliding window. */
export function velocityRule(definition: VelocityRuleDefinition, currency: string): RiskRule {
  const { id, mode, weight, dimension, window, maxOrders, maxAmount } = definition;
  const label = DIMENSION_LABELS[dimension];
  return {
    id,
    mode,
    weight,
    category: 'velocity',
    evaluate(features: OrderFeatures): RuleOutcome {
      if (features[dimension] === undefined) {
        return { fired: false, reason: `the order carries no ${label}`, observed: { dimension, window } };
      }
      const totals = features.counters.velocity[dimension]?.[window];
      if (!totals) throw new Error(`no ${window} counter for the ${label} of order ${features.orderId}`);
      const observed: Observed = { dimension, window, orders: totals.count, amount: totals.amount };
      const excess: string[] = [];
      if (maxOrders !== undefined) {
        observed['maxOrders'] = maxOrders;
        if (totals.count > maxOrders) excess.push(`${totals.count} orders (at most ${maxOrders})`);
      }
      if (maxAmount !== undefined) {
        observed['maxAmount'] = maxAmount;
        if (totals.amount > maxAmount) {
          excess.push(`${formatAmount(totals.amount, currency)} (at most ${formatAmount(maxAmount, currency)})`);
        }
      }
      const fired = excess.length > 0;
      return {
        fired,
        reason: fired
          ? `this ${label} placed ${excess.join(' and ')} in the last ${window}`
          : `this ${label} stayed within its ${window} velocity limits`,
        observed,
      };
    },
  };
}
