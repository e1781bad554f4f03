import type { MigrationInterface, QueryRunner } from 'typeorm';

/** List entries keep a match key in `value` and a masked form to show in `value_masked`. */
export class ListEntryProtection1765600000003 implements MigrationInterface {
  name = 'ListEntryProtection1765600000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "list_entries" ADD "value_masked" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "list_entries" DROP COLUMN "value_masked"`);
  }
}
