import { EventData, RiskAssessed } from '@cardlink/contracts';
import { OrderFeatures } from './order-features';

export const RULE_MODES = ['live', 'shadow'] as const;
/** live rules count towards the score; shadow rules are evaluated and recorded, never decisive. */
export type RuleMode = (typeof RULE_MODES)[number];

export const RULE_CATEGORIES = ['velocity', 'burst', 'limit', 'new-buyer'] as const;
/** An allowed buyer skips the velocity category. */
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/** The numbers a rule saw, as published: keep values small and free of contacts. */
export type Observed = Record<string, number | string | boolean>;

export interface RuleOutcome {
  readonly fired: boolean;
  /** why, in words staff can act on; mentions thresholds, never raw contacts */
  readonly reason: string;
  readonly observed: Observed;
}

export interface RiskRule {
  readonly id: string;
  readonly mode: RuleMode;
  readonly weight: number;
  readonly category: RuleCategory;
  evaluate(features: OrderFeatures): RuleOutcome;
}

export interface Thresholds {
  /** score >= review holds the order for review */
  readonly review: number;
  /** score >= reject rejects it */
  readonly reject: number;
}

export interface RuleSet {
  readonly version: number;
  /** the currency the amounts of the rules are in */
  readonly currency: string;
  readonly thresholds: Thresholds;
  /** added once when a watch entry matches and no allow entry does */
  readonly watchWeight: number;
  readonly rules: readonly RiskRule[];
}

/** One rule that fired, exactly as the RiskAssessed event carries it. */
export type FiredRule = EventData<typeof RiskAssessed>['firedRules'][number];
export type RiskDecision = EventData<typeof RiskAssessed>['decision'];
export type DecidedBy = EventData<typeof RiskAssessed>['decidedBy'];
