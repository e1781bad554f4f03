import { z } from 'zod';
import { DistinctTotals } from '../distinct-window-counter';
import { OrderFeatures, productIds } from '../order-features';
import { Observed, RiskRule, RuleOutcome } from '../risk-rule';
import { BURST_WINDOW_IDS, BURST_WINDOWS, DAY } from '../windows';
import { formatAmount, RuleDefinitionBase } from './rule-definition';

export const IdenticalAmountBurstRuleDefinition = z.object({
  ...RuleDefinitionBase,
  kind: z.literal('identical-amount-burst'),
  /** shop: all orders of the amount; product: those of the amount that contain the same product */
  scope: z.enum(['shop', 'product']),
  window: z.enum(BURST_WINDOW_IDS),
  /** fires from the minOrders-th order of the amount in the window on, this one included… */
  minOrders: z.number().int().min(2),
  /** …when they come from at least this many buyers… */
  minDistinctBuyers: z.number().int().min(2),
  /**
   * …and, when set, when the window holds at least this many times the orders
   * of the amount that the last 24 h average into such a window. A card shop
   * sells at fixed prices, so identical amounts from different buyers are its
   * normal traffic; this keeps a popular price from reading as a burst.
   */
  minTimesDailyRate: z.number().positive().finite().optional(),
});
export type IdenticalAmountBurstRuleDefinition = z.infer<typeof IdenticalAmountBurstRuleDefinition>;

interface Candidate {
  readonly productId?: string;
  readonly totals: DistinctTotals;
  readonly dayOrders: number;
}

/**
 * Many orders of exactly the same amount from different buyers in a short
 * window: the pattern of stolen cards or accounts cashed out through one
 * listing, which merchants name first.
 */
export function identicalAmountBurstRule(definition: IdenticalAmountBurstRuleDefinition, currency: string): RiskRule {
  const { id, mode, weight, scope, window, minOrders, minDistinctBuyers, minTimesDailyRate } = definition;
  const windowMs = BURST_WINDOWS[window].windowMs;
  const timesDailyRate = (candidate: Candidate) =>
    (candidate.totals.count * DAY.windowMs) / Math.max(candidate.dayOrders * windowMs, Number.MIN_VALUE);
  // Compared as products, not as a quotient, so that "exactly 10×" is exact.
  const isBurst = (candidate: Candidate) =>
    candidate.totals.count >= minOrders &&
    candidate.totals.distinct >= minDistinctBuyers &&
    (minTimesDailyRate === undefined ||
      candidate.totals.count * DAY.windowMs >= minTimesDailyRate * candidate.dayOrders * windowMs);

  return {
    id,
    mode,
    weight,
    category: 'burst',
    evaluate(features: OrderFeatures): RuleOutcome {
      const candidates = scope === 'shop' ? [shopCandidate(features)] : productCandidates(features);
      const burst = candidates.find(isBurst) ?? candidates.reduce((a, b) => (b.totals.count > a.totals.count ? b : a));
      const fired = isBurst(burst);
      const amount = formatAmount(features.amount, currency);
      const where = burst.productId === undefined ? 'across the shop' : `for product ${burst.productId}`;
      const observed: Observed = {
        scope,
        window,
        minOrders,
        minDistinctBuyers,
        amount: features.amount,
        orders: burst.totals.count,
        distinctBuyers: burst.totals.distinct,
      };
      if (burst.productId !== undefined) observed['productId'] = burst.productId;
      let rate = '';
      if (minTimesDailyRate !== undefined) {
        const times = Math.round(timesDailyRate(burst) * 100) / 100;
        Object.assign(observed, { minTimesDailyRate, dayOrders: burst.dayOrders, timesDailyRate: times });
        rate = `, ${times}× the day's rate (from ${minTimesDailyRate}×)`;
      }
      return {
        fired,
        reason: fired
          ? `${burst.totals.count} orders of exactly ${amount} ${where} from ${burst.totals.distinct} buyers in the last ${window} (burst from ${minOrders} orders and ${minDistinctBuyers} buyers${rate})`
          : `no burst of ${amount} orders ${scope === 'shop' ? 'across the shop' : "on the order's products"}`,
        observed,
      };
    },
  };

  function shopCandidate(features: OrderFeatures): Candidate {
    return {
      totals: features.counters.identicalAmount.shop[window],
      dayOrders: features.counters.identicalAmountDay.shop,
    };
  }

  function productCandidates(features: OrderFeatures): Candidate[] {
    return productIds(features).map((productId) => {
      const totals = features.counters.identicalAmount.products.get(productId)?.[window];
      const dayOrders = features.counters.identicalAmountDay.products.get(productId);
      if (!totals || dayOrders === undefined) {
        throw new Error(`no ${window} identical-amount counter for product ${productId} of order ${features.orderId}`);
      }
      return { productId, totals, dayOrders };
    });
  }
}
