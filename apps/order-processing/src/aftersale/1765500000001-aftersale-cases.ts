import type { MigrationInterface, QueryRunner } from 'typeorm';

/** After-sale cases and their audit trail. */
export class AfterSaleCases1765500000001 implements MigrationInterface {
  name = 'AfterSaleCases1765500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "aftersale_cases" (
        "id" uuid NOT NULL,
        "source" text NOT NULL,
        "source_ref" text NOT NULL,
        "order_id" uuid NOT NULL,
        "shop_order_id" text NOT NULL,
        "buyer_id" text NOT NULL,
        "card_id" text,
        "line_id" text,
        "product_id" text,
        "note" text NOT NULL,
        "state" text NOT NULL,
        "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "uq_aftersale_cases_source" UNIQUE ("source", "source_ref"),
        CONSTRAINT "ck_aftersale_cases_state" CHECK ("state" IN ('opened', 'replacing', 'replaced', 'refunding', 'refunded', 'rejected')),
        CONSTRAINT "ck_aftersale_cases_source" CHECK ("source" IN ('buyer-report', 'shop-dispute')),
        CONSTRAINT "pk_aftersale_cases" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_cases_card" ON "aftersale_cases" ("card_id", "opened_at")`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_cases_buyer" ON "aftersale_cases" ("buyer_id", "opened_at")`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_cases_state" ON "aftersale_cases" ("state", "opened_at")`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_cases_order" ON "aftersale_cases" ("order_id")`);
    await queryRunner.query(`
      CREATE TABLE "aftersale_audit" (
        "id" BIGSERIAL NOT NULL,
        "case_id" uuid,
        "order_id" uuid NOT NULL,
        "action" text NOT NULL,
        "from_state" text,
        "to_state" text,
        "actor" text NOT NULL,
        "detail" text NOT NULL,
        "cause_event_id" text,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_aftersale_audit" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_audit_case" ON "aftersale_audit" ("case_id", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_aftersale_audit_order" ON "aftersale_audit" ("order_id", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "aftersale_audit"`);
    await queryRunner.query(`DROP TABLE "aftersale_cases"`);
  }
}
