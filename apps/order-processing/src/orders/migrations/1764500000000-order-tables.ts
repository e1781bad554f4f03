import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, their lines, payments (matched or waiting for their order) and state history. */
export class OrderTables1764500000000 implements MigrationInterface {
  name = 'OrderTables1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "orders" (
        "id" uuid NOT NULL,
        "shop_order_id" text NOT NULL,
        "state" text NOT NULL,
        "buyer" jsonb NOT NULL,
        "total_amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "ordered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "uq_orders_shop_order_id" UNIQUE ("shop_order_id"),
        CONSTRAINT "pk_orders" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "order_lines" (
        "order_id" uuid NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "shop_listing_id" text,
        "quantity" integer NOT NULL,
        "unit_price" bigint NOT NULL,
        CONSTRAINT "pk_order_lines" PRIMARY KEY ("order_id", "line_id"),
        CONSTRAINT "fk_order_lines_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "payments" (
        "reference" text NOT NULL,
        "order_id" uuid NOT NULL,
        "shop_order_id" text NOT NULL,
        "channel" text NOT NULL,
        "account" text,
        "amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "outcome" text NOT NULL,
        "reason" text,
        "cause_event_id" text NOT NULL,
        "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_payments_outcome" CHECK ("outcome" IN ('matched', 'held', 'surplus')),
        CONSTRAINT "pk_payments" PRIMARY KEY ("reference"),
        CONSTRAINT "fk_payments_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_payments_order" ON "payments" ("order_id")`);
    await queryRunner.query(`
      CREATE TABLE "unmatched_payments" (
        "reference" text NOT NULL,
        "shop_order_id" text NOT NULL,
        "channel" text NOT NULL,
        "account" text,
        "amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "cause_event_id" text NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_unmatched_payments" PRIMARY KEY ("reference")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_unmatched_payments_shop_order" ON "unmatched_payments" ("shop_order_id", "received_at")`);
    await queryRunner.query(`
      CREATE TABLE "order_state_history" (
        "id" BIGSERIAL NOT NULL,
        "order_id" uuid NOT NULL,
        "from_state" text,
        "to_state" text NOT NULL,
        "trigger" text NOT NULL,
        "reason" text,
        "cause_event_id" text NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_order_state_history" PRIMARY KEY ("id"),
        CONSTRAINT "fk_order_state_history_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_order_state_history_order" ON "order_state_history" ("order_id", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "order_state_history"`);
    await queryRunner.query(`DROP TABLE "unmatched_payments"`);
    await queryRunner.query(`DROP TABLE "payments"`);
    await queryRunner.query(`DROP TABLE "order_lines"`);
    await queryRunner.query(`DROP TABLE "orders"`);
  }
}
