import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The order's correlation id on each delivery, so DeliverySucceeded / DeliveryFailed stay in the order's flow. */
export class DeliveryCorrelation1764400100000 implements MigrationInterface {
  name = 'DeliveryCorrelation1764400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliveries" ADD "correlation_id" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliveries" DROP COLUMN "correlation_id"`);
  }
}
