import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Buyer orders, sealed cards, deliveries and their attempts, product settings, templates and the pickup page's audit and codes. */
export class DeliveryTables1764400000000 implements MigrationInterface {
  name = 'DeliveryTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "buyer_orders" (
        "order_id" text NOT NULL,
        "shop_order_id" text NOT NULL,
        "email" text,
        "phone" text,
        "locale" text,
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_buyer_orders" PRIMARY KEY ("order_id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_buyer_orders_shop_order" ON "buyer_orders" ("shop_order_id")`);
    await queryRunner.query(`
      CREATE TABLE "allocated_cards" (
        "id" BIGSERIAL NOT NULL,
        "order_id" text NOT NULL,
        "allocation_id" text NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "card_id" text NOT NULL,
        "sealed" jsonb NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "allocated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "uq_allocated_cards_allocation_card" UNIQUE ("allocation_id", "card_id"),
        CONSTRAINT "pk_allocated_cards" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_allocated_cards_order" ON "allocated_cards" ("order_id")`);
    await queryRunner.query(`
      CREATE TABLE "deliveries" (
        "id" uuid NOT NULL,
        "order_id" text NOT NULL,
        "line_id" text NOT NULL,
        "product_id" text NOT NULL,
        "channel" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT '0',
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "last_error" text,
        "permanent" boolean NOT NULL DEFAULT false,
        "allocated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "uq_deliveries_order_line_channel" UNIQUE ("order_id", "line_id", "channel"),
        CONSTRAINT "ck_deliveries_channel" CHECK ("channel" IN ('shop', 'email', 'sms', 'webhook')),
        CONSTRAINT "ck_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'withheld')),
        CONSTRAINT "pk_deliveries" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_deliveries_due" ON "deliveries" ("status", "next_attempt_at")`);
    await queryRunner.query(`
      CREATE TABLE "delivery_attempts" (
        "id" BIGSERIAL NOT NULL,
        "delivery_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "outcome" text NOT NULL,
        "error" text,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "ck_delivery_attempts_outcome" CHECK ("outcome" IN ('succeeded', 'transient', 'permanent')),
        CONSTRAINT "pk_delivery_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_delivery_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "deliveries" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_delivery_attempts_delivery" ON "delivery_attempts" ("delivery_id")`);
    await queryRunner.query(`
      CREATE TABLE "product_settings" (
        "product_id" text NOT NULL,
        "title" text,
        "channels" jsonb,
        "source" text NOT NULL,
        "updated_by" text,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_product_settings_source" CHECK ("source" IN ('catalog', 'admin')),
        CONSTRAINT "pk_product_settings" PRIMARY KEY ("product_id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "message_templates" (
        "product_id" text NOT NULL,
        "channel" text NOT NULL,
        "locale" text NOT NULL,
        "subject" text,
        "body" text NOT NULL,
        "updated_by" text NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_message_templates_locale" CHECK ("locale" IN ('zh-CN', 'en')),
        CONSTRAINT "ck_message_templates_channel" CHECK ("channel" IN ('email', 'sms')),
        CONSTRAINT "pk_message_templates" PRIMARY KEY ("product_id", "channel", "locale")
      )`);
    await queryRunner.query(`
      CREATE TABLE "pickup_audit" (
        "id" BIGSERIAL NOT NULL,
        "order_id" text,
        "method" text NOT NULL,
        "outcome" text NOT NULL,
        "reason" text,
        "ip" text NOT NULL,
        "user_agent" text,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_pickup_audit_outcome" CHECK ("outcome" IN ('shown', 'refused', 'rate_limited', 'code_sent')),
        CONSTRAINT "ck_pickup_audit_method" CHECK ("method" IN ('link', 'code_request', 'code_lookup')),
        CONSTRAINT "pk_pickup_audit" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_pickup_audit_order" ON "pickup_audit" ("order_id", "at")`);
    await queryRunner.query(`CREATE INDEX "ix_pickup_audit_ip" ON "pickup_audit" ("ip", "at")`);
    await queryRunner.query(`
      CREATE TABLE "pickup_codes" (
        "id" BIGSERIAL NOT NULL,
        "order_id" text NOT NULL,
        "code_hash" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_pickup_codes" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_pickup_codes_order" ON "pickup_codes" ("order_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['pickup_codes', 'pickup_audit', 'message_templates', 'product_settings', 'delivery_attempts', 'deliveries', 'allocated_cards', 'buyer_orders']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
