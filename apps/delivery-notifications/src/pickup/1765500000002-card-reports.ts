import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Buyers' card reports, and the pickup audit's methods and outcomes for them. */
export class CardReports1765500000002 implements MigrationInterface {
  name = 'CardReports1765500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "card_reports" (
        "id" uuid NOT NULL,
        "order_id" text NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "card_id" text NOT NULL,
        "buyer_key" text NOT NULL,
        "note" text NOT NULL,
        "via" text NOT NULL,
        "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_card_reports_via" CHECK ("via" IN ('link', 'code')),
        CONSTRAINT "pk_card_reports" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_card_reports_card" ON "card_reports" ("card_id", "reported_at")`);
    await queryRunner.query(`CREATE INDEX "ix_card_reports_buyer" ON "card_reports" ("buyer_key", "reported_at")`);
    await queryRunner.query(`CREATE INDEX "ix_card_reports_order" ON "card_reports" ("order_id")`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" DROP CONSTRAINT "ck_pickup_audit_method"`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" ADD CONSTRAINT "ck_pickup_audit_method" CHECK ("method" IN ('link', 'code_request', 'code_lookup', 'report'))`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" DROP CONSTRAINT "ck_pickup_audit_outcome"`);
    await queryRunner.query(
      `ALTER TABLE "pickup_audit" ADD CONSTRAINT "ck_pickup_audit_outcome" CHECK ("outcome" IN ('shown', 'refused', 'rate_limited', 'code_sent', 'reported', 'report_refused'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "pickup_audit" DROP CONSTRAINT "ck_pickup_audit_outcome"`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" ADD CONSTRAINT "ck_pickup_audit_outcome" CHECK ("outcome" IN ('shown', 'refused', 'rate_limited', 'code_sent'))`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" DROP CONSTRAINT "ck_pickup_audit_method"`);
    await queryRunner.query(`ALTER TABLE "pickup_audit" ADD CONSTRAINT "ck_pickup_audit_method" CHECK ("method" IN ('link', 'code_request', 'code_lookup'))`);
    await queryRunner.query(`DROP TABLE "card_reports"`);
  }
}
