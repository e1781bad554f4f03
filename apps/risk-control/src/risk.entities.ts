import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type ValueTransformer } from 'typeorm';
import type { FiredRule } from './assessment/risk-rule';

/** bigint in the table (minor units and ticks outgrow int4), a safe integer in code. */
const bigintNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** One rule set version: thresholds, watch weight and rules as data. The highest version is the active one. */
@Entity({ name: 'rule_sets' })
export class RuleSetRecord {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_rule_sets' })
  version!: number;

  /** a RuleSetDefinition (its version field repeats the column) */
  @Column({ type: 'jsonb' })
  definition!: unknown;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** A block, allow or watch entry; removing one keeps the row (who removed it, when) for the record. */
@Entity({ name: 'list_entries' })
@Index('ix_list_entries_lookup', ['field', 'value'])
@Check('ck_list_entries_kind', `"kind" IN ('block', 'allow', 'watch')`)
export class ListEntryRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_list_entries' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  field!: string;

  /** the match key of the normalised value (privacy/list-values): the table holds no contact */
  @Column({ type: 'text' })
  value!: string;

  /** what staff see of the value; null for entries stored before protection */
  @Column({ name: 'value_masked', type: 'text', nullable: true })
  valueMasked!: string | null;

  @Column({ type: 'boolean' })
  overridable!: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'set_by', type: 'text' })
  setBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt!: Date | null;

  @Column({ name: 'removed_by', type: 'text', nullable: true })
  removedBy!: string | null;
}

/** The engine's decision on one order: exactly one per order, whatever is redelivered. */
@Entity({ name: 'assessments' })
@Unique('uq_assessments_order', ['orderId'])
export class AssessmentRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_assessments' })
  id!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'text' })
  decision!: string;

  @Column({ type: 'double precision' })
  score!: number;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy!: string;

  @Column({ name: 'rule_set_version', type: 'integer' })
  ruleSetVersion!: number;

  @Column({ name: 'fired_rules', type: 'jsonb' })
  firedRules!: FiredRule[];

  @Column({ type: 'bigint', transformer: bigintNumber })
  amount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt!: Date;

  @Column({ name: 'assessed_at', type: 'timestamptz' })
  assessedAt!: Date;

  @Column({ name: 'cause_event_id', type: 'text' })
  causeEventId!: string;
}

/** An order held for review, until a reviewer (or the timeout) decides. */
@Entity({ name: 'review_cases' })
@Unique('uq_review_cases_assessment', ['assessmentId'])
@Index('ix_review_cases_status_due', ['status', 'dueAt'])
@Check('ck_review_cases_status', `"status" IN ('open', 'approved', 'rejected')`)
export class ReviewCaseRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_review_cases' })
  id!: string;

  @Column({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  @ManyToOne(() => AssessmentRecord, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assessment_id', foreignKeyConstraintName: 'fk_review_cases_assessment' })
  assessment?: AssessmentRecord;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  /** when the configured default decision applies */
  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** the reviewer's name, or "review-timeout" */
  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}

/**
 * Per-identity counters: velocity per buyer, device, IP and payment account,
 * and buyer × product daily totals. `state` holds each window's non-empty
 * buckets as SlidingWindowCounter.buckets() gives them. The key is an HMAC of
 * the identifier, so the table holds no contact.
 */
@Entity({ name: 'counter_keys' })
@Index('ix_counter_keys_last_seen', ['lastSeenAt'])
export class CounterKeyRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_counter_keys' })
  dimension!: string;

  @PrimaryColumn({ name: 'key_hash', type: 'text', primaryKeyConstraintName: 'pk_counter_keys' })
  keyHash!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ type: 'jsonb' })
  state!: unknown;
}

/** Orders of one amount per time bucket, shop-wide (`shop`) or per product (`product:<id>`). */
@Entity({ name: 'amount_buckets' })
export class AmountBucketRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_amount_buckets' })
  scope!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber, primaryKeyConstraintName: 'pk_amount_buckets' })
  amount!: number;

  /** the window the bucket belongs to: 1m, 10m or day */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_amount_buckets' })
  span!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber, primaryKeyConstraintName: 'pk_amount_buckets' })
  tick!: number;

  @Column({ type: 'integer' })
  orders!: number;
}

/** The distinct buyers (HMAC) of an amount bucket, for the burst windows. */
@Entity({ name: 'amount_bucket_buyers' })
export class AmountBucketBuyerRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_amount_bucket_buyers' })
  scope!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber, primaryKeyConstraintName: 'pk_amount_bucket_buyers' })
  amount!: number;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_amount_bucket_buyers' })
  span!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber, primaryKeyConstraintName: 'pk_amount_bucket_buyers' })
  tick!: number;

  @PrimaryColumn({ name: 'buyer_hash', type: 'text', primaryKeyConstraintName: 'pk_amount_bucket_buyers' })
  buyerHash!: string;
}

export const RISK_ENTITIES = [
  RuleSetRecord,
  ListEntryRecord,
  AssessmentRecord,
  ReviewCaseRecord,
  CounterKeyRecord,
  AmountBucketRecord,
  AmountBucketBuyerRecord,
];
