import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backorders (waiting and cancelled orders), reusable pools, voids with
 * replacements, staff reveals, coalesced stock events and the key-rotation index.
 */
export class BackordersAfterSaleStock1764300200000 implements MigrationInterface {
  name = 'BackordersAfterSaleStock1764300200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "order_allocations" DROP CONSTRAINT "ck_order_allocations_status"`);
    await queryRunner.query(
      `ALTER TABLE "order_allocations" ADD CONSTRAINT "ck_order_allocations_status" CHECK ("status" IN ('allocated', 'waiting', 'cancelled'))`,
    );
    await queryRunner.query(`ALTER TABLE "order_allocations" ADD "fulfilled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "order_allocations" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "order_allocations" ADD "cancel_reason" text`);
    await queryRunner.query(`CREATE INDEX "ix_order_allocations_waiting" ON "order_allocations" ("created_at") WHERE status = 'waiting'`);

    await queryRunner.query(`ALTER TABLE "cards" ADD "sold_count" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "cards" ADD "void_reason" text`);
    await queryRunner.query(`ALTER TABLE "cards" ADD "voided_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_cards_key" ON "cards" ("key_id")`);

    await queryRunner.query(`ALTER TABLE "card_allocations" ADD "reusable" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "card_allocations" ADD "replaces_card_id" uuid`);
    await queryRunner.query(`ALTER TABLE "card_allocations" DROP CONSTRAINT "uq_card_allocations_card"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_card_allocations_card" ON "card_allocations" ("card_id") WHERE reusable = false`);

    await queryRunner.query(`
      CREATE TABLE "card_replacements" (
        "voided_card_id" uuid NOT NULL,
        "order_id" text NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "status" text NOT NULL DEFAULT 'waiting',
        "reason" text NOT NULL,
        "voided_by" text NOT NULL,
        "replacement_card_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "allocated_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "ck_card_replacements_status" CHECK ("status" IN ('waiting', 'allocated', 'cancelled')),
        CONSTRAINT "pk_card_replacements" PRIMARY KEY ("voided_card_id", "order_id", "line_id"),
        CONSTRAINT "fk_card_replacements_card" FOREIGN KEY ("voided_card_id") REFERENCES "cards" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_card_replacements_waiting" ON "card_replacements" ("created_at") WHERE status = 'waiting'`);

    await queryRunner.query(`
      CREATE TABLE "card_reveals" (
        "id" BIGSERIAL NOT NULL,
        "card_id" uuid NOT NULL,
        "revealed_by" text NOT NULL,
        "reason" text NOT NULL,
        "revealed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_card_reveals" PRIMARY KEY ("id"),
        CONSTRAINT "fk_card_reveals_card" FOREIGN KEY ("card_id") REFERENCES "cards" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_card_reveals_card" ON "card_reveals" ("card_id")`);

    await queryRunner.query(`
      CREATE TABLE "stock_marks" (
        "id" BIGSERIAL NOT NULL,
        "product_id" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_stock_marks" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "stock_states" (
        "product_id" text NOT NULL,
        "available" integer NOT NULL,
        "sequence" integer NOT NULL,
        "low" boolean NOT NULL DEFAULT false,
        "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_stock_states" PRIMARY KEY ("product_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stock_states"`);
    await queryRunner.query(`DROP TABLE "stock_marks"`);
    await queryRunner.query(`DROP TABLE "card_reveals"`);
    await queryRunner.query(`DROP TABLE "card_replacements"`);
    await queryRunner.query(`DROP INDEX "uq_card_allocations_card"`);
    await queryRunner.query(`ALTER TABLE "card_allocations" ADD CONSTRAINT "uq_card_allocations_card" UNIQUE ("card_id")`);
    await queryRunner.query(`ALTER TABLE "card_allocations" DROP COLUMN "replaces_card_id"`);
    await queryRunner.query(`ALTER TABLE "card_allocations" DROP COLUMN "reusable"`);
    await queryRunner.query(`DROP INDEX "ix_cards_key"`);
    await queryRunner.query(`ALTER TABLE "cards" DROP COLUMN "voided_at"`);
    await queryRunner.query(`ALTER TABLE "cards" DROP COLUMN "void_reason"`);
    await queryRunner.query(`ALTER TABLE "cards" DROP COLUMN "sold_count"`);
    await queryRunner.query(`DROP INDEX "ix_order_allocations_waiting"`);
    await queryRunner.query(`ALTER TABLE "order_allocations" DROP COLUMN "cancel_reason"`);
    await queryRunner.query(`ALTER TABLE "order_allocations" DROP COLUMN "cancelled_at"`);
    await queryRunner.query(`ALTER TABLE "order_allocations" DROP COLUMN "fulfilled_at"`);
    await queryRunner.query(`ALTER TABLE "order_allocations" DROP CONSTRAINT "ck_order_allocations_status"`);
    await queryRunner.query(`ALTER TABLE "order_allocations" ADD CONSTRAINT "ck_order_allocations_status" CHECK ("status" IN ('allocated', 'waiting'))`);
  }
}
