import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the shop last answered a stock call with zero, and how much of `believed` was sales on their way to us then (a guess dropped in 1765500000000). */
export class StockZeroSeen1765300000001 implements MigrationInterface {
  name = 'StockZeroSeen1765300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shop_listings" ADD COLUMN "stock_zero_seen_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN "unheard_at_zero" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shop_listings" DROP COLUMN "stock_zero_seen_at", DROP COLUMN "unheard_at_zero"`);
  }
}
