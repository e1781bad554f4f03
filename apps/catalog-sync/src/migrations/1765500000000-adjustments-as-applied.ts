import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shop now answers how much of an adjustment it applied, and `believed`
 * moves by that: the guess about sales made before a zero answer (and the two
 * columns it needed) is gone.
 */
export class AdjustmentsAsApplied1765500000000 implements MigrationInterface {
  name = 'AdjustmentsAsApplied1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shop_listings" DROP COLUMN "stock_zero_seen_at", DROP COLUMN "unheard_at_zero"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shop_listings" ADD COLUMN "stock_zero_seen_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN "unheard_at_zero" integer NOT NULL DEFAULT 0`);
  }
}
