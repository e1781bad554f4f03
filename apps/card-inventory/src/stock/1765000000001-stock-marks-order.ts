import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A stock mark left by an allocation names its order (StockChanged.countedOrderIds). */
export class StockMarksOrder1765000000001 implements MigrationInterface {
  name = 'StockMarksOrder1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stock_marks" ADD COLUMN "order_id" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stock_marks" DROP COLUMN "order_id"`);
  }
}
