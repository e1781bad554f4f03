import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which orders each product's count includes (StockChanged.countedOrderIds),
 * replacing the guess from timestamps; the body of a listing create, so a
 * retried create sends the same request under the same idempotency key; and
 * whether the product is below its low-stock threshold (StockLow).
 */
export class ExactStockCounts1765000000002 implements MigrationInterface {
  name = 'ExactStockCounts1765000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "counted_orders" ("order_id" text NOT NULL, "product_id" text NOT NULL, "sequence" integer NOT NULL, "counted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_counted_orders" PRIMARY KEY ("order_id", "product_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "shop_listings" ADD COLUMN "create_request" text`);
    await queryRunner.query(`ALTER TABLE "product_stock" ADD COLUMN "low_since" TIMESTAMP WITH TIME ZONE, ADD COLUMN "low_threshold" integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "product_stock" DROP COLUMN "low_since", DROP COLUMN "low_threshold"`);
    await queryRunner.query(`ALTER TABLE "shop_listings" DROP COLUMN "create_request"`);
    await queryRunner.query(`DROP TABLE "counted_orders"`);
  }
}
