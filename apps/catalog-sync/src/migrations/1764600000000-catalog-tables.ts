import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Products, category mapping, shop listings with their stock belief, the sync queue, drift, and the stock inputs. */
export class CatalogTables1764600000000 implements MigrationInterface {
  name = 'CatalogTables1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "category_mappings" ("category_key" text NOT NULL, "shop_category_id" text NOT NULL, "name" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_72c6e880db22c933190257314b0" PRIMARY KEY ("category_key"))`);
    await queryRunner.query(`CREATE TABLE "product_categories" ("product_id" text NOT NULL, "category_key" text NOT NULL, CONSTRAINT "PK_ac946991f1481415ce84d7366b8" PRIMARY KEY ("product_id", "category_key"))`);
    await queryRunner.query(`CREATE INDEX "ix_product_categories_category" ON "product_categories" ("category_key")`);
    await queryRunner.query(`CREATE TABLE "products" ("id" text NOT NULL, "revision" integer NOT NULL, "title" text NOT NULL, "description" text NOT NULL, "price" integer NOT NULL, "currency" text NOT NULL, "delivery_channels" text array NOT NULL, "pool_mode" text NOT NULL, "reusable_cap" integer, "min_per_order" integer NOT NULL, "max_per_order" integer NOT NULL, "low_stock_threshold" integer NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_products_status" ON "products" ("status")`);
    await queryRunner.query(`CREATE TABLE "product_stock" ("product_id" text NOT NULL, "available" integer NOT NULL, "sequence" integer NOT NULL, "counted_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_62a8438c36b1a42790d3cd755a1" PRIMARY KEY ("product_id"))`);
    await queryRunner.query(`CREATE TABLE "in_flight_orders" ("shop_order_id" text NOT NULL, "product_id" text NOT NULL, "quantity" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "settled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3873f4100c7bb8a07dd7ea1b145" PRIMARY KEY ("shop_order_id", "product_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_in_flight_orders_product" ON "in_flight_orders" ("product_id")`);
    await queryRunner.query(`CREATE TABLE "order_allocations" ("order_id" text NOT NULL, "allocated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_09df1f91460f498cbc044afeb5c" PRIMARY KEY ("order_id"))`);
    await queryRunner.query(`CREATE TABLE "order_links" ("shop_order_id" text NOT NULL, "order_id" text NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2c6fda4ae02186fb40aa1f5fca3" PRIMARY KEY ("shop_order_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_order_links_order" ON "order_links" ("order_id")`);
    await queryRunner.query(`CREATE TABLE "shop_listings" ("product_id" text NOT NULL, "listing_id" text, "pushed_revision" integer NOT NULL DEFAULT '0', "believed_stock" integer NOT NULL DEFAULT '0', "adjustment_seq" integer NOT NULL DEFAULT '0', "pending_delta" integer, "last_stock_call_at" TIMESTAMP WITH TIME ZONE, "shop_stock_seen" integer, "shortfall_seen" integer, "sale_heard_since_check" boolean NOT NULL DEFAULT false, "last_synced_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c4f9c5645d59f102df2f0774f3f" PRIMARY KEY ("product_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_shop_listings_listing_id" ON "shop_listings" ("listing_id")`);
    await queryRunner.query(`CREATE TABLE "sync_tasks" ("product_id" text NOT NULL, "kind" text NOT NULL, "version" integer NOT NULL DEFAULT '1', "status" text NOT NULL DEFAULT 'pending', "due_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "leased_until" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75a28f00070cff1d9d7b33e512b" PRIMARY KEY ("product_id", "kind"))`);
    await queryRunner.query(`CREATE INDEX "ix_sync_tasks_due" ON "sync_tasks" ("due_at")`);
    await queryRunner.query(`CREATE TABLE "listing_drift" ("id" BIGSERIAL NOT NULL, "product_id" text, "listing_id" text NOT NULL, "field" text NOT NULL, "shop_value" text NOT NULL, "platform_value" text NOT NULL, "action" text NOT NULL, "source" text NOT NULL, "detected_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2e50350c3ea0bd83f7e78994a53" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_listing_drift_product" ON "listing_drift" ("product_id")`);
    await queryRunner.query(`CREATE INDEX "ix_listing_drift_detected" ON "listing_drift" ("detected_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "listing_drift"`);
    await queryRunner.query(`DROP TABLE "sync_tasks"`);
    await queryRunner.query(`DROP TABLE "shop_listings"`);
    await queryRunner.query(`DROP TABLE "order_links"`);
    await queryRunner.query(`DROP TABLE "order_allocations"`);
    await queryRunner.query(`DROP TABLE "in_flight_orders"`);
    await queryRunner.query(`DROP TABLE "product_stock"`);
    await queryRunner.query(`DROP TABLE "products"`);
    await queryRunner.query(`DROP TABLE "product_categories"`);
    await queryRunner.query(`DROP TABLE "category_mappings"`);
  }
}
