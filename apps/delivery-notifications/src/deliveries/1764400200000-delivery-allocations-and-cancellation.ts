import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery carries the cards of one allocation, so a replacement card (a
 * new allocation naming the voided card) is delivered as a delivery of its
 * own; a voided card is marked and no longer sent or shown; a cancelled order
 * marks its unsent deliveries `cancelled`.
 */
export class DeliveryAllocationsAndCancellation1764400200000 implements MigrationInterface {
  name = 'DeliveryAllocationsAndCancellation1764400200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliveries" ADD "allocation_id" text`);
    // Before this migration an order line had one allocation; its deliveries belong to it.
    await queryRunner.query(`
      UPDATE "deliveries" d SET "allocation_id" = (
        SELECT min(c."allocation_id") FROM "allocated_cards" c WHERE c."order_id" = d."order_id" AND c."line_id" = d."line_id")`);
    await queryRunner.query(`UPDATE "deliveries" SET "allocation_id" = '' WHERE "allocation_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "deliveries" ALTER COLUMN "allocation_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "uq_deliveries_order_line_channel"`);
    await queryRunner.query(
      `ALTER TABLE "deliveries" ADD CONSTRAINT "uq_deliveries_order_line_channel_allocation" UNIQUE ("order_id", "line_id", "channel", "allocation_id")`,
    );
    await queryRunner.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "ck_deliveries_status"`);
    await queryRunner.query(
      `ALTER TABLE "deliveries" ADD CONSTRAINT "ck_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'withheld', 'cancelled'))`,
    );
    await queryRunner.query(`ALTER TABLE "allocated_cards" ADD "voided_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "buyer_orders" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "buyer_orders" DROP COLUMN "cancelled_at"`);
    await queryRunner.query(`ALTER TABLE "allocated_cards" DROP COLUMN "voided_at"`);
    await queryRunner.query(`DELETE FROM "deliveries" WHERE "status" = 'cancelled'`);
    await queryRunner.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "ck_deliveries_status"`);
    await queryRunner.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "ck_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'withheld'))`);
    await queryRunner.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "uq_deliveries_order_line_channel_allocation"`);
    await queryRunner.query(`ALTER TABLE "deliveries" DROP COLUMN "allocation_id"`);
    await queryRunner.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "uq_deliveries_order_line_channel" UNIQUE ("order_id", "line_id", "channel")`);
  }
}
