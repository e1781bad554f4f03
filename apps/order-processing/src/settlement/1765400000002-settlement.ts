import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fee rates, merchants' settlement cycles, adjustments and issued statements.
 * Issued statements and their lines cannot change (a trigger refuses UPDATE
 * and DELETE), nor can an adjustment once a statement settled it; a payment
 * and a refund are settled at most once (partial unique indexes).
 */
export class Settlement1765400000002 implements MigrationInterface {
  name = 'Settlement1765400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "settlement_fee_rates" (
        "channel" text NOT NULL,
        "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL,
        "basis_points" integer NOT NULL,
        "fixed_minor" bigint NOT NULL,
        "created_by" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_settlement_fee_rates" PRIMARY KEY ("channel", "effective_from"),
        CONSTRAINT "ck_settlement_fee_rates_basis_points" CHECK ("basis_points" BETWEEN 0 AND 10000),
        CONSTRAINT "ck_settlement_fee_rates_fixed" CHECK ("fixed_minor" >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE "settlement_merchants" (
        "merchant_id" text NOT NULL,
        "cycle" text NOT NULL,
        "settles_from" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_by" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_settlement_merchants" PRIMARY KEY ("merchant_id"),
        CONSTRAINT "ck_settlement_merchants_cycle" CHECK ("cycle" IN ('T+1', 'T+7', 'monthly'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "settlement_statements" (
        "id" uuid NOT NULL,
        "merchant_id" text NOT NULL,
        "cycle" text NOT NULL,
        "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
        "payable_on" text NOT NULL,
        "currency" text NOT NULL,
        "gross" bigint NOT NULL,
        "fees" bigint NOT NULL,
        "refunds" bigint NOT NULL,
        "adjustments" bigint NOT NULL,
        "net" bigint NOT NULL,
        "order_count" integer NOT NULL,
        "issued_by" text NOT NULL,
        "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_settlement_statements" PRIMARY KEY ("id"),
        CONSTRAINT "uq_settlement_statements_period" UNIQUE ("merchant_id", "period_start", "currency"),
        CONSTRAINT "ck_settlement_statements_net" CHECK ("net" = "gross" - "fees" - "refunds" + "adjustments")
      )`);
    await queryRunner.query(`
      CREATE TABLE "settlement_statement_lines" (
        "statement_id" uuid NOT NULL,
        "line_no" integer NOT NULL,
        "kind" text NOT NULL,
        "order_id" uuid,
        "shop_order_id" text,
        "payment_reference" text,
        "refund_order_id" uuid,
        "channel" text,
        "amount" bigint NOT NULL,
        "fee_basis_points" integer,
        "fee_fixed" bigint,
        "fee" bigint NOT NULL,
        "refund" bigint NOT NULL,
        "adjustment" bigint NOT NULL,
        "net" bigint NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE,
        "adjustment_id" uuid,
        "note" text,
        CONSTRAINT "pk_settlement_statement_lines" PRIMARY KEY ("statement_id", "line_no"),
        CONSTRAINT "ck_settlement_statement_lines_kind" CHECK ("kind" IN ('order', 'late_refund', 'adjustment')),
        CONSTRAINT "ck_settlement_statement_lines_net" CHECK ("net" = "amount" - "fee" - "refund" + "adjustment"),
        CONSTRAINT "fk_settlement_statement_lines_statement" FOREIGN KEY ("statement_id") REFERENCES "settlement_statements"("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_settlement_lines_payment" ON "settlement_statement_lines" ("payment_reference") WHERE "payment_reference" IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_settlement_lines_refund" ON "settlement_statement_lines" ("refund_order_id") WHERE "refund_order_id" IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE "settlement_adjustments" (
        "id" uuid NOT NULL,
        "merchant_id" text NOT NULL,
        "currency" text NOT NULL,
        "amount" bigint NOT NULL,
        "reason" text NOT NULL,
        "order_id" uuid,
        "created_by" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "statement_id" uuid,
        CONSTRAINT "pk_settlement_adjustments" PRIMARY KEY ("id"),
        CONSTRAINT "ck_settlement_adjustments_amount" CHECK ("amount" <> 0),
        CONSTRAINT "fk_settlement_adjustments_statement" FOREIGN KEY ("statement_id") REFERENCES "settlement_statements"("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_settlement_adjustments_pending" ON "settlement_adjustments" ("merchant_id", "currency") WHERE "statement_id" IS NULL`);
    await queryRunner.query(`
      CREATE FUNCTION "settlement_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'settlement: % of % refused: issued statements are immutable; record a correction with POST /settlement/adjustments', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "tr_settlement_statements_immutable" BEFORE UPDATE OR DELETE ON "settlement_statements" FOR EACH ROW EXECUTE FUNCTION "settlement_refuse_change"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_settlement_statement_lines_immutable" BEFORE UPDATE OR DELETE ON "settlement_statement_lines" FOR EACH ROW EXECUTE FUNCTION "settlement_refuse_change"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_settlement_adjustments_settled" BEFORE UPDATE OR DELETE ON "settlement_adjustments" FOR EACH ROW WHEN (OLD."statement_id" IS NOT NULL) EXECUTE FUNCTION "settlement_refuse_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "settlement_adjustments"`);
    await queryRunner.query(`DROP TABLE "settlement_statement_lines"`);
    await queryRunner.query(`DROP TABLE "settlement_statements"`);
    await queryRunner.query(`DROP FUNCTION "settlement_refuse_change"()`);
    await queryRunner.query(`DROP TABLE "settlement_merchants"`);
    await queryRunner.query(`DROP TABLE "settlement_fee_rates"`);
  }
}
