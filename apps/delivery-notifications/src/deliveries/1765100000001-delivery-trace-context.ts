import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context (traceparent, tracestate) of the message that created
 * or requeued a delivery, so the dispatcher's send and the outcome event it
 * publishes continue the order's trace instead of starting one of their own.
 */
export class DeliveryTraceContext1765100000001 implements MigrationInterface {
  name = 'DeliveryTraceContext1765100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliveries" ADD "trace_context" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deliveries" DROP COLUMN "trace_context"`);
  }
}
