import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { RiskAssessed } from '@cardlink/contracts';
import type { Outbox } from '@cardlink/messaging';
import type { RiskMetrics } from '../assessment/risk-metrics';
import type { FiredRule } from '../assessment/risk-rule';
import { rowsOf } from '../rows';

export const REVIEW_STATUSES = ['open', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export type FinalDecision = 'approve' | 'reject';

/** Who closes a review: a person (by name) or the timeout. */
export type Decider = { readonly kind: 'reviewer'; readonly name: string } | { readonly kind: 'review-timeout' };

export class ReviewNotFound extends Error {}
export class ReviewAlreadyDecided extends Error {}

export interface ReviewCase {
  readonly id: string;
  readonly orderId: string;
  readonly status: ReviewStatus;
  readonly openedAt: string;
  readonly dueAt: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly note: string | null;
  readonly assessment: {
    readonly id: string;
    readonly decision: string;
    readonly decidedBy: string;
    readonly score: number;
    readonly ruleSetVersion: number;
    readonly firedRules: FiredRule[];
    readonly amount: number;
    readonly currency: string;
    readonly paidAt: string;
    readonly assessedAt: string;
  };
}

interface CaseRow {
  id: string;
  order_id: string;
  status: ReviewStatus;
  opened_at: Date;
  due_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  note: string | null;
  assessment_id: string;
  decision: string;
  assessment_decided_by: string;
  score: number;
  rule_set_version: number;
  fired_rules: FiredRule[];
  amount: string;
  currency: string;
  paid_at: Date;
  assessed_at: Date;
}

const CASE_SELECT = `
  SELECT r.id, r.order_id, r.status, r.opened_at, r.due_at, r.decided_at, r.decided_by, r.note,
         a.id AS assessment_id, a.decision, a.decided_by AS assessment_decided_by, a.score, a.rule_set_version,
         a.fired_rules, a.amount, a.currency, a.paid_at, a.assessed_at
    FROM review_cases r JOIN assessments a ON a.id = r.assessment_id`;

/**
 * Orders the engine held for review. A decision closes the case and publishes
 * RiskAssessed again for the order, with the final decision and
 * `decidedBy: reviewer | review-timeout`: order-processing already moves an
 * order in review on a new assessment. The case row is locked while deciding,
 * so a reviewer and the timeout cannot both decide.
 */
export class ReviewQueue {
  constructor(
    private readonly outbox: Outbox,
    private readonly timeoutMs: number,
    private readonly metrics?: Pick<RiskMetrics, 'decided'>,
  ) {}

  async open(manager: EntityManager, assessmentId: string, orderId: string, at: Date): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO review_cases (id, assessment_id, order_id, status, opened_at, due_at) VALUES ($1, $2, $3, 'open', $4, $5)`,
      [id, assessmentId, orderId, at, new Date(at.getTime() + this.timeoutMs)],
    );
    return id;
  }

  /** Open cases oldest first (the next to time out on top); decided ones newest first. */
  async list(manager: EntityManager, status: ReviewStatus, limit: number): Promise<ReviewCase[]> {
    const order = status === 'open' ? 'r.due_at, r.id' : 'r.decided_at DESC, r.id';
    const rows = (await manager.query(`${CASE_SELECT} WHERE r.status = $1 ORDER BY ${order} LIMIT $2`, [status, limit])) as CaseRow[];
    return rows.map(toCase);
  }

  async get(manager: EntityManager, id: string): Promise<ReviewCase | undefined> {
    const rows = (await manager.query(`${CASE_SELECT} WHERE r.id = $1`, [id])) as CaseRow[];
    return rows[0] && toCase(rows[0]);
  }

  /** Closes an open case with the final decision and publishes it, in the caller's transaction. */
  async decide(
    manager: EntityManager,
    id: string,
    decision: FinalDecision,
    decider: Decider,
    note: string | null,
    now: Date,
  ): Promise<ReviewCase> {
    const rows = (await manager.query(`${CASE_SELECT} WHERE r.id = $1 FOR UPDATE OF r`, [id])) as CaseRow[];
    const row = rows[0];
    if (!row) throw new ReviewNotFound(`no review ${id}`);
    if (row.status !== 'open') {
      throw new ReviewAlreadyDecided(`review ${id} was already decided: ${row.status} by ${row.decided_by ?? 'unknown'} at ${row.decided_at?.toISOString() ?? '?'}`);
    }
    const status: ReviewStatus = decision === 'approve' ? 'approved' : 'rejected';
    const decidedBy = decider.kind === 'reviewer' ? decider.name : 'review-timeout';
    const updated = rowsOf<Pick<CaseRow, 'status' | 'decided_at' | 'decided_by' | 'note'>>(
      await manager.query(
        `UPDATE review_cases SET status = $2, decided_at = $3, decided_by = $4, note = $5 WHERE id = $1
         RETURNING status, decided_at, decided_by, note`,
        [id, status, now, decidedBy, note],
      ),
    );
    const closed: CaseRow = { ...row, ...updated[0] };
    const reason =
      decider.kind === 'reviewer'
        ? `${decision === 'approve' ? 'approved' : 'rejected'} by reviewer ${decider.name}${note ? `: ${note}` : ''}`
        : `no reviewer decided within ${Math.round(this.timeoutMs / 60_000)} min; the default decision (${decision}) applies`;
    const ruleId = decider.kind === 'reviewer' ? 'review.reviewer' : 'review.timeout';
    await this.outbox.add(manager, RiskAssessed, {
      subject: row.order_id,
      data: {
        orderId: row.order_id,
        assessmentId: row.assessment_id,
        decision,
        score: row.score,
        ruleSetVersion: row.rule_set_version,
        decidedBy: decider.kind,
        firedRules: [
          {
            ruleId,
            mode: 'live',
            weight: 0,
            reason: reason.slice(0, 500),
            observed: { reviewId: id, waitedMs: now.getTime() - row.opened_at.getTime() },
          },
          ...row.fired_rules,
        ],
        assessedAt: now.toISOString(),
      },
    });
    this.metrics?.decided(manager, { decision, rule: ruleId });
    return toCase(closed);
  }

  /** Ids of open cases past their time, locked for this transaction; other replicas skip them. */
  async lockOverdue(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT id FROM review_cases WHERE status = 'open' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }
}

function toCase(row: CaseRow): ReviewCase {
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by,
    note: row.note,
    assessment: {
      id: row.assessment_id,
      decision: row.decision,
      decidedBy: row.assessment_decided_by,
      score: row.score,
      ruleSetVersion: row.rule_set_version,
      firedRules: row.fired_rules,
      amount: Number(row.amount),
      currency: row.currency,
      paidAt: row.paid_at.toISOString(),
      assessedAt: row.assessed_at.toISOString(),
    },
  };
}
