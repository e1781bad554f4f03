import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox and inbox tables; unqualified names land in the service's schema (search_path). */
export class MessagingTables1764201600000 implements MigrationInterface {
  name = 'MessagingTables1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outbox" (
        "id" BIGSERIAL NOT NULL,
        "event_id" uuid NOT NULL,
        "event_type" text NOT NULL,
        "topic" text NOT NULL,
        "message_key" text NOT NULL,
        "headers" jsonb NOT NULL,
        "payload" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_outbox_event_id" UNIQUE ("event_id"),
        CONSTRAINT "PK_outbox" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("id") WHERE published_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE "inbox" (
        "consumer_group" text NOT NULL,
        "event_id" text NOT NULL,
        "event_type" text NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_inbox" PRIMARY KEY ("consumer_group", "event_id")
      )`);
    await queryRunner.query(`CREATE INDEX "inbox_processed_at_idx" ON "inbox" ("processed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inbox"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
