import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shop orders withdrawn (cancelled or refunded) before allocation, so that a
 * sale heard after its withdrawal does not stay in flight for good.
 */
export class WithdrawnOrders1765500000001 implements MigrationInterface {
  name = 'WithdrawnOrders1765500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "withdrawn_orders" ("shop_order_id" text NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_withdrawn_orders" PRIMARY KEY ("shop_order_id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "withdrawn_orders"`);
  }
}
