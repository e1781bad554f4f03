import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RiskAssessed, type EventData, type EventEnvelope, type OrderPaid } from '@cardlink/contracts';
import type { Outbox } from '@cardlink/messaging';
import type { ListStore } from '../lists/list-store';
import type { ReviewQueue } from '../reviews/review-queue';
import type { RuleSetStore } from '../rule-sets/rule-set-store';
import { Assessment, assessOrder, failSafeAssessment } from './assess-order';
import { paidOrderFacts } from './counter-book';
import { decidingRule } from './deciding-rule';
import type { RiskCounters } from './risk-counters';
import type { RiskMetrics } from './risk-metrics';
import type { Thresholds } from './risk-rule';

export interface AssessmentOutcome {
  readonly assessmentId: string;
  readonly orderId: string;
  readonly decision: Assessment['decision'];
  readonly decidedBy: Assessment['decidedBy'];
  readonly score: number;
  readonly ruleSetVersion: number;
  /** the order was assessed before: nothing was counted or published this time */
  readonly replayed: boolean;
  /** why the engine could not evaluate, when it failed safe */
  readonly failure?: unknown;
}

/** SQLSTATE classes that a retry may cure: the event is retried instead of failing safe. */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

/**
 * Assesses one paid order in the caller's transaction (the inbox's): counts it,
 * decides, stores the assessment, opens a review case when held, and adds
 * RiskAssessed to the outbox. All of it commits with the inbox row or not at
 * all, so a redelivered OrderPaid is skipped by the inbox, and another event
 * for an order already assessed finds the stored assessment and changes nothing.
 *
 * Fail safe: if the order cannot be evaluated (no valid rule set, bad data, a
 * bug), the counting is rolled back to a savepoint and the order is held for
 * review with the error recorded — never approved. Errors a retry may cure
 * (lost connection, deadlock) are thrown, so the inbox retries the event.
 */
export class RiskAssessor {
  constructor(
    private readonly deps: {
      readonly counters: RiskCounters;
      readonly ruleSets: RuleSetStore;
      readonly lists: ListStore;
      readonly reviews: ReviewQueue;
      readonly outbox: Outbox;
      readonly metrics?: Pick<RiskMetrics, 'decided'>;
      readonly clock?: () => Date;
    },
  ) {}

  async assess(manager: EntityManager, order: EventData<typeof OrderPaid>, cause: EventEnvelope): Promise<AssessmentOutcome> {
    const stored = (await manager.query(
      'SELECT id, decision, decided_by, score, rule_set_version FROM assessments WHERE order_id = $1',
      [order.orderId],
    )) as { id: string; decision: Assessment['decision']; decided_by: Assessment['decidedBy']; score: number; rule_set_version: number }[];
    if (stored[0]) {
      const { id, decision, decided_by, score, rule_set_version } = stored[0];
      return { assessmentId: id, orderId: order.orderId, decision, decidedBy: decided_by, score, ruleSetVersion: rule_set_version, replayed: true };
    }

    const now = this.deps.clock?.() ?? new Date();
    let assessment: Assessment;
    let failure: unknown;
    let thresholds: Thresholds | undefined;
    await manager.query('SAVEPOINT risk_assessment');
    try {
      const ruleSet = await this.deps.ruleSets.active(manager, now.getTime());
      thresholds = ruleSet.thresholds;
      const facts = paidOrderFacts(order);
      const features = await this.deps.counters.observe(manager, facts);
      const lists = await this.deps.lists.entriesFor(manager, facts);
      assessment = assessOrder(features, ruleSet, lists, now);
      await manager.query('RELEASE SAVEPOINT risk_assessment');
    } catch (error) {
      if (isTransient(error)) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT risk_assessment');
      failure = error;
      assessment = failSafeAssessment(await this.versionForFailure(manager), error);
    }

    const assessmentId = randomUUID();
    await manager.query(
      `INSERT INTO assessments (id, order_id, decision, score, decided_by, rule_set_version, fired_rules, amount, currency, paid_at, assessed_at, cause_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        assessmentId,
        order.orderId,
        assessment.decision,
        assessment.score,
        assessment.decidedBy,
        assessment.ruleSetVersion,
        JSON.stringify(assessment.firedRules),
        order.amount,
        order.currency,
        new Date(order.paidAt),
        now,
        cause.id,
      ],
    );
    if (assessment.decision === 'review') await this.deps.reviews.open(manager, assessmentId, order.orderId, now);
    await this.deps.outbox.add(manager, RiskAssessed, {
      subject: order.orderId,
      causedBy: cause,
      data: {
        orderId: order.orderId,
        assessmentId,
        decision: assessment.decision,
        score: assessment.score,
        ruleSetVersion: assessment.ruleSetVersion,
        decidedBy: assessment.decidedBy,
        firedRules: [...assessment.firedRules],
        assessedAt: now.toISOString(),
      },
    });
    this.deps.metrics?.decided(manager, { decision: assessment.decision, rule: decidingRule(assessment, thresholds) });
    return {
      assessmentId,
      orderId: order.orderId,
      decision: assessment.decision,
      decidedBy: assessment.decidedBy,
      score: assessment.score,
      ruleSetVersion: assessment.ruleSetVersion,
      replayed: false,
      ...(failure === undefined ? {} : { failure }),
    };
  }

  /** The newest stored version, even if it does not parse; 0 when none can be read. */
  private async versionForFailure(manager: EntityManager): Promise<number> {
    const rows = (await manager.query('SELECT max(version) AS version FROM rule_sets')) as { version: number | null }[];
    return rows[0]?.version ?? 0;
  }
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const driverCode = (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return [code, driverCode].some((c) => typeof c === 'string' && TRANSIENT_SQLSTATE.test(c));
}
