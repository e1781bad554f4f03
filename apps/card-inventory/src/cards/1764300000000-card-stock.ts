import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Card pools, import batches and the encrypted cards themselves. */
export class CardStock1764300000000 implements MigrationInterface {
  name = 'CardStock1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "card_pools" (
        "product_id" text NOT NULL,
        "mode" text NOT NULL DEFAULT 'unique',
        "reusable_cap" integer,
        "low_stock_threshold" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_card_pools_mode" CHECK ("mode" IN ('unique', 'reusable')),
        CONSTRAINT "ck_card_pools_reusable_cap" CHECK ("reusable_cap" IS NULL OR "reusable_cap" > 0),
        CONSTRAINT "ck_card_pools_low_stock_threshold" CHECK ("low_stock_threshold" >= 0),
        CONSTRAINT "pk_card_pools" PRIMARY KEY ("product_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "card_batches" (
        "id" uuid NOT NULL,
        "product_id" text NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "accepted" integer NOT NULL DEFAULT 0,
        "duplicates" integer NOT NULL DEFAULT 0,
        "invalid" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_card_batches_status" CHECK ("status" IN ('active', 'voided')),
        CONSTRAINT "pk_card_batches" PRIMARY KEY ("id"),
        CONSTRAINT "fk_card_batches_pool" FOREIGN KEY ("product_id") REFERENCES "card_pools" ("product_id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_card_batches_product" ON "card_batches" ("product_id", "created_at")`);
    await queryRunner.query(`
      CREATE TABLE "cards" (
        "id" uuid NOT NULL,
        "product_id" text NOT NULL,
        "batch_id" uuid NOT NULL,
        "status" text NOT NULL DEFAULT 'available',
        "ciphertext" bytea NOT NULL,
        "iv" bytea NOT NULL,
        "key_id" text NOT NULL,
        "fingerprint" bytea NOT NULL,
        "masked_hint" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "allocated_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "ck_cards_status" CHECK ("status" IN ('available', 'allocated', 'voided')),
        CONSTRAINT "uq_cards_product_fingerprint" UNIQUE ("product_id", "fingerprint"),
        CONSTRAINT "pk_cards" PRIMARY KEY ("id"),
        CONSTRAINT "fk_cards_batch" FOREIGN KEY ("batch_id") REFERENCES "card_batches" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_cards_available" ON "cards" ("product_id", "created_at") WHERE status = 'available'`);
    await queryRunner.query(`CREATE INDEX "ix_cards_batch" ON "cards" ("batch_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "cards"`);
    await queryRunner.query(`DROP TABLE "card_batches"`);
    await queryRunner.query(`DROP TABLE "card_pools"`);
  }
}
