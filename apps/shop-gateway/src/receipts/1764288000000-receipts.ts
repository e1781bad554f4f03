import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Receipts of accepted webhooks and payment callbacks (anti-replay). */
export class Receipts1764288000000 implements MigrationInterface {
  name = 'Receipts1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "receipt" (
        "sender" text NOT NULL,
        "delivery_id" text NOT NULL,
        "event_type" text NOT NULL,
        "event_id" uuid NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_receipt" PRIMARY KEY ("sender", "delivery_id")
      )`);
    await queryRunner.query(`CREATE INDEX "receipt_received_at_idx" ON "receipt" ("received_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "receipt"`);
  }
}
