import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refund requests waiting for the shop's acknowledgement; indexes for the order list and the out-of-stock sweep. */
export class RefundRequests1764500100000 implements MigrationInterface {
  name = 'RefundRequests1764500100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "refund_requests" (
        "id" uuid NOT NULL,
        "order_id" uuid NOT NULL,
        "shop_order_id" text NOT NULL,
        "amount" bigint NOT NULL,
        "currency" text NOT NULL,
        "reason" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "acknowledged_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "uq_refund_requests_order" UNIQUE ("order_id"),
        CONSTRAINT "ck_refund_requests_status" CHECK ("status" IN ('pending', 'acknowledged', 'superseded')),
        CONSTRAINT "pk_refund_requests" PRIMARY KEY ("id"),
        CONSTRAINT "fk_refund_requests_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_refund_requests_due" ON "refund_requests" ("status", "next_attempt_at")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_state_ordered_at" ON "orders" ("state", "ordered_at")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_ordered_at" ON "orders" ("ordered_at")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_state_updated_at" ON "orders" ("state", "updated_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_orders_state_updated_at"`);
    await queryRunner.query(`DROP INDEX "ix_orders_ordered_at"`);
    await queryRunner.query(`DROP INDEX "ix_orders_state_ordered_at"`);
    await queryRunner.query(`DROP TABLE "refund_requests"`);
  }
}
