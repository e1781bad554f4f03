import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Order outcomes and the cards given to order lines. */
export class Allocations1764300100000 implements MigrationInterface {
  name = 'Allocations1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "order_allocations" (
        "order_id" text NOT NULL,
        "allocation_id" uuid NOT NULL,
        "status" text NOT NULL,
        "lines" jsonb NOT NULL,
        "missing" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_order_allocations_status" CHECK ("status" IN ('allocated', 'waiting')),
        CONSTRAINT "uq_order_allocations_allocation" UNIQUE ("allocation_id"),
        CONSTRAINT "pk_order_allocations" PRIMARY KEY ("order_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "card_allocations" (
        "id" BIGSERIAL NOT NULL,
        "order_id" text NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "card_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "uq_card_allocations_card" UNIQUE ("card_id"),
        CONSTRAINT "uq_card_allocations_order_line_card" UNIQUE ("order_id", "line_id", "card_id"),
        CONSTRAINT "pk_card_allocations" PRIMARY KEY ("id"),
        CONSTRAINT "fk_card_allocations_order" FOREIGN KEY ("order_id") REFERENCES "order_allocations" ("order_id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_card_allocations_card" FOREIGN KEY ("card_id") REFERENCES "cards" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_card_allocations_order" ON "card_allocations" ("order_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "card_allocations"`);
    await queryRunner.query(`DROP TABLE "order_allocations"`);
  }
}
