import { z } from 'zod';
import { OrderFeatures, totalAmount, totalQuantity } from '../order-features';
import { Observed, RiskRule, RuleOutcome } from '../risk-rule';
import { Count, formatAmount, RuleDefinitionBase } from './rule-definition';

export const LIMIT_MEASURES = ['order-quantity', 'order-amount', 'buyer-daily-amount', 'buyer-daily-quantity'] as const;
export type LimitMeasure = (typeof LIMIT_MEASURES)[number];

export const LimitRuleDefinition = z
  .object({
    ...RuleDefinitionBase,
    kind: z.literal('limit'),
    /**
     * order-quantity: units in this order; order-amount: its amount;
     * buyer-daily-amount / -quantity: the buyer's amount / units over the rolling
     * 24 h, this order included. With productId, only that product's lines count
     * and orders without the product are not limited by the rule.
     */
    measure: z.enum(LIMIT_MEASURES),
    productId: z.string().min(1).max(128).optional(),
    /** fires when the measure exceeds this (units or minor units) */
    max: Count,
  })
  .refine((rule) => rule.measure !== 'buyer-daily-quantity' || rule.productId !== undefined, {
    message: 'buyer-daily-quantity is counted per product: give a productId',
    path: ['productId'],
  });
export type LimitRuleDefinition = z.infer<typeof LimitRuleDefinition>;

const MEASURE_LABELS: Readonly<Record<LimitMeasure, string>> = {
  'order-quantity': 'units in this order',
  'order-amount': 'amount of this order',
  'buyer-daily-amount': "buyer's amount over the last 24h",
  'buyer-daily-quantity': "buyer's units over the last 24h",
};

/** Hard limits on one order and on one buyer's rolling day, shop-wide or per product. */
export function limitRule(definition: LimitRuleDefinition, currency: string): RiskRule {
  const { id, mode, weight, measure, productId, max } = definition;
  const isAmount = measure === 'order-amount' || measure === 'buyer-daily-amount';
  const show = (value: number) => (isAmount ? formatAmount(value, currency) : String(value));
  const subject =
    productId === undefined ? MEASURE_LABELS[measure] : `${MEASURE_LABELS[measure]} for product ${productId}`;
  return {
    id,
    mode,
    weight,
    category: 'limit',
    evaluate(features: OrderFeatures): RuleOutcome {
      const observedBase: Observed = productId === undefined ? { measure, max } : { measure, max, productId };
      if (productId !== undefined && !features.lines.some((line) => line.productId === productId)) {
        return { fired: false, reason: `the order does not contain product ${productId}`, observed: observedBase };
      }
      const value = measured(features, measure, productId);
      const fired = value > max;
      return {
        fired,
        reason: fired
          ? `${subject} is ${show(value)}, above the limit of ${show(max)}`
          : `${subject} is within ${show(max)}`,
        observed: { ...observedBase, value },
      };
    },
  };
}

function measured(features: OrderFeatures, measure: LimitMeasure, productId: string | undefined): number {
  switch (measure) {
    case 'order-quantity':
      return totalQuantity(features, productId);
    case 'order-amount':
      return totalAmount(features, productId);
    case 'buyer-daily-amount':
    case 'buyer-daily-quantity': {
      if (productId === undefined) {
        const day = features.counters.velocity.buyerId?.['24h'];
        if (!day) throw new Error(`no 24h counter for the buyer of order ${features.orderId}`);
        return day.amount;
      }
      const productDay = features.counters.buyerProductDay.get(productId);
      if (!productDay)
        throw new Error(`no 24h counter for product ${productId} of the buyer of order ${features.orderId}`);
      return measure === 'buyer-daily-amount' ? productDay.amount : productDay.quantity;
    }
  }
}
