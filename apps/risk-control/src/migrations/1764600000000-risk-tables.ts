import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INITIAL_RULE_SET } from '../rule-sets/initial-rule-set';

/** Rule set versions, lists, assessments, review cases and the counters the features come from. */
export class RiskTables1764600000000 implements MigrationInterface {
  name = 'RiskTables1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "rule_sets" (
        "version" integer NOT NULL,
        "definition" jsonb NOT NULL,
        "created_by" text NOT NULL,
        "reason" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_rule_sets" PRIMARY KEY ("version")
      )`);
    await queryRunner.query(`
      CREATE TABLE "list_entries" (
        "id" uuid NOT NULL,
        "kind" text NOT NULL,
        "field" text NOT NULL,
        "value" text NOT NULL,
        "overridable" boolean NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "set_by" text NOT NULL,
        "reason" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "removed_at" TIMESTAMP WITH TIME ZONE,
        "removed_by" text,
        CONSTRAINT "ck_list_entries_kind" CHECK ("kind" IN ('block', 'allow', 'watch')),
        CONSTRAINT "pk_list_entries" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_list_entries_lookup" ON "list_entries" ("field", "value")`);
    await queryRunner.query(`
      CREATE TABLE "assessments" (
        "id" uuid NOT NULL,
        "order_id" text NOT NULL,
        "decision" text NOT NULL,
        "score" double precision NOT NULL,
        "decided_by" text NOT NULL,
        "rule_set_version" integer NOT NULL,
        "fired_rules" jsonb NOT NULL,
        "amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "assessed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "cause_event_id" text NOT NULL,
        CONSTRAINT "uq_assessments_order" UNIQUE ("order_id"),
        CONSTRAINT "pk_assessments" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "review_cases" (
        "id" uuid NOT NULL,
        "assessment_id" uuid NOT NULL,
        "order_id" text NOT NULL,
        "status" text NOT NULL,
        "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "decided_by" text,
        "note" text,
        CONSTRAINT "uq_review_cases_assessment" UNIQUE ("assessment_id"),
        CONSTRAINT "ck_review_cases_status" CHECK ("status" IN ('open', 'approved', 'rejected')),
        CONSTRAINT "pk_review_cases" PRIMARY KEY ("id"),
        CONSTRAINT "fk_review_cases_assessment" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_review_cases_status_due" ON "review_cases" ("status", "due_at")`);
    await queryRunner.query(`
      CREATE TABLE "counter_keys" (
        "dimension" text NOT NULL,
        "key_hash" text NOT NULL,
        "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "state" jsonb NOT NULL,
        CONSTRAINT "pk_counter_keys" PRIMARY KEY ("dimension", "key_hash")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_counter_keys_last_seen" ON "counter_keys" ("last_seen_at")`);
    await queryRunner.query(`
      CREATE TABLE "amount_buckets" (
        "scope" text NOT NULL,
        "amount" bigint NOT NULL,
        "span" text NOT NULL,
        "tick" bigint NOT NULL,
        "orders" integer NOT NULL,
        CONSTRAINT "pk_amount_buckets" PRIMARY KEY ("scope", "amount", "span", "tick")
      )`);
    await queryRunner.query(`
      CREATE TABLE "amount_bucket_buyers" (
        "scope" text NOT NULL,
        "amount" bigint NOT NULL,
        "span" text NOT NULL,
        "tick" bigint NOT NULL,
        "buyer_hash" text NOT NULL,
        CONSTRAINT "pk_amount_bucket_buyers" PRIMARY KEY ("scope", "amount", "span", "tick", "buyer_hash")
      )`);
    await queryRunner.query(
      `INSERT INTO "rule_sets" ("version", "definition", "created_by", "reason") VALUES ($1, $2, 'migration', 'initial rule set')`,
      [INITIAL_RULE_SET.version, JSON.stringify(INITIAL_RULE_SET)],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['amount_bucket_buyers', 'amount_buckets', 'counter_keys', 'review_cases', 'assessments', 'list_entries', 'rule_sets']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
