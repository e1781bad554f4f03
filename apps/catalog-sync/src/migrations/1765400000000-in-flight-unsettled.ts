import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reading a product's in-flight units looks only at unsettled lines; settled
 * ones stay a week (against late duplicate sale reports) and would otherwise
 * be walked by every read. Lines a count already names are settled now, as
 * the ledger does from this version on.
 */
export class InFlightUnsettled1765400000000 implements MigrationInterface {
  name = 'InFlightUnsettled1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "in_flight_orders" f SET "settled_at" = now() WHERE f."settled_at" IS NULL AND EXISTS (
         SELECT 1 FROM "order_links" l JOIN "counted_orders" c ON c."order_id" = l."order_id"
         WHERE l."shop_order_id" = f."shop_order_id" AND c."product_id" = f."product_id")`,
    );
    await queryRunner.query(`DROP INDEX "ix_in_flight_orders_product"`);
    await queryRunner.query(`CREATE INDEX "ix_in_flight_orders_unsettled" ON "in_flight_orders" ("product_id") WHERE settled_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_in_flight_orders_unsettled"`);
    await queryRunner.query(`CREATE INDEX "ix_in_flight_orders_product" ON "in_flight_orders" ("product_id")`);
  }
}
