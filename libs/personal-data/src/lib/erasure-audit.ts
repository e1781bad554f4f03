import { Check, Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One erasure of buyer contacts in one service's schema, for the record: a
 * staff request for one buyer (who asked, which kinds of identifier, which
 * orders), as received by each service, or one retention round. Holds no
 * contact: identifiers are named by kind only.
 */
@Entity({ name: 'privacy_erasures' })
@Check('ck_privacy_erasures_cause', `"cause" IN ('request', 'retention')`)
export class ErasureRecord {
  /** the erasure id of the request (the same in every service), or a retention round's own id */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_privacy_erasures' })
  id!: string;

  @Column({ type: 'text' })
  cause!: 'request' | 'retention';

  /** the admin credential, or `retention` */
  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** which kinds of identifier the request named (buyerId, email, phone) */
  @Column({ name: 'identifier_kinds', type: 'text', array: true })
  identifierKinds!: string[];

  @Column({ name: 'order_ids', type: 'text', array: true })
  orderIds!: string[];

  /** rows whose contacts this service erased */
  @Column({ name: 'orders_erased', type: 'integer' })
  ordersErased!: number;

  @Column({ name: 'erased_at', type: 'timestamptz' })
  erasedAt!: Date;
}

/** The erasure audit table, the same in every service that keeps contacts. */
export class PrivacyErasures1765600000001 implements MigrationInterface {
  name = 'Privacy1765600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "privacy_erasures" (
        "id" uuid NOT NULL,
        "cause" text NOT NULL,
        "requested_by" text NOT NULL,
        "reason" text,
        "identifier_kinds" text array NOT NULL,
        "order_ids" text array NOT NULL,
        "orders_erased" integer NOT NULL,
        "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "ck_privacy_erasures_cause" CHECK ("cause" IN ('request', 'retention')),
        CONSTRAINT "pk_privacy_erasures" PRIMARY KEY ("id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "privacy_erasures"`);
  }
}
