import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation runs (one per range), what each read from the shop and the
 * provider (kept so that a run interrupted mid-way continues where it was),
 * and the findings.
 */
export class ReconciliationRuns1765400000001 implements MigrationInterface {
  name = 'ReconciliationRuns1765400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "reconciliation_runs" (
        "id" uuid NOT NULL,
        "range_from" TIMESTAMP WITH TIME ZONE NOT NULL,
        "range_to" TIMESTAMP WITH TIME ZONE NOT NULL,
        "requested_by" text NOT NULL,
        "status" text NOT NULL DEFAULT 'running',
        "phase" text NOT NULL DEFAULT 'shop',
        "pass" integer NOT NULL DEFAULT 1,
        "shop_page" integer NOT NULL DEFAULT 0,
        "provider_day" text,
        "lease_until" TIMESTAMP WITH TIME ZONE,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "finding_count" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_reconciliation_runs" PRIMARY KEY ("id"),
        CONSTRAINT "uq_reconciliation_runs_range" UNIQUE ("range_from", "range_to"),
        CONSTRAINT "ck_reconciliation_runs_range" CHECK ("range_from" < "range_to"),
        CONSTRAINT "ck_reconciliation_runs_status" CHECK ("status" IN ('running', 'interrupted', 'completed')),
        CONSTRAINT "ck_reconciliation_runs_phase" CHECK ("phase" IN ('shop', 'provider', 'compare', 'done')),
        CONSTRAINT "ck_reconciliation_runs_provider_day" CHECK ("provider_day" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
      )`);
    await queryRunner.query(`CREATE INDEX "ix_reconciliation_runs_status" ON "reconciliation_runs" ("status", "lease_until")`);
    await queryRunner.query(`
      CREATE TABLE "reconciliation_shop_orders" (
        "run_id" uuid NOT NULL,
        "shop_order_id" text NOT NULL,
        "status" text NOT NULL,
        "total_amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_reconciliation_shop_orders" PRIMARY KEY ("run_id", "shop_order_id"),
        CONSTRAINT "fk_reconciliation_shop_orders_run" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "reconciliation_provider_entries" (
        "run_id" uuid NOT NULL,
        "file_date" date NOT NULL,
        "line_no" integer NOT NULL,
        "trade_no" text NOT NULL,
        "shop_order_id" text NOT NULL,
        "type" text NOT NULL,
        "channel" text NOT NULL,
        "amount" bigint NOT NULL,
        "fee" bigint NOT NULL,
        "currency" text NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "refund_id" text,
        CONSTRAINT "pk_reconciliation_provider_entries" PRIMARY KEY ("run_id", "file_date", "line_no"),
        CONSTRAINT "fk_reconciliation_provider_entries_run" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "reconciliation_findings" (
        "id" BIGSERIAL NOT NULL,
        "run_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "shop_order_id" text NOT NULL,
        "order_id" uuid,
        "description" text NOT NULL,
        "detail" jsonb NOT NULL,
        "found_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_seen_pass" integer NOT NULL,
        "resolved_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_reconciliation_findings" PRIMARY KEY ("id"),
        CONSTRAINT "uq_reconciliation_findings" UNIQUE ("run_id", "kind", "shop_order_id"),
        CONSTRAINT "ck_reconciliation_findings_kind" CHECK ("kind" IN ('unknown_order', 'not_in_shop', 'unknown_payment', 'missing_in_provider', 'delivered_unpaid', 'amount_mismatch', 'undelivered_unrefunded', 'refunded_twice')),
        CONSTRAINT "fk_reconciliation_findings_run" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_reconciliation_findings_open" ON "reconciliation_findings" ("kind") WHERE "resolved_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "reconciliation_findings"`);
    await queryRunner.query(`DROP TABLE "reconciliation_provider_entries"`);
    await queryRunner.query(`DROP TABLE "reconciliation_shop_orders"`);
    await queryRunner.query(`DROP TABLE "reconciliation_runs"`);
  }
}
