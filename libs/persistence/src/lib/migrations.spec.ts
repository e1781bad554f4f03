import {
  Column,
  CreateDateColumn,
  type DataSource,
  Entity,
  Index,
  type MigrationInterface,
  PrimaryGeneratedColumn,
  type QueryRunner,
} from 'typeorm';
import { createServiceDataSource } from './data-source';
import { runMigrations, schemaDrift } from './migrations';
import { createTestSchema, type TestSchema } from './test-schema';

/** Columns shared by the entity that matches the migration and the one that drifted from it. */
abstract class WidgetColumns {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'widget_pkey' })
  id!: string;

  @Index('widget_name_key', { unique: true })
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer', default: 0 })
  quantity!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'widget' })
class Widget extends WidgetColumns {}

@Entity({ name: 'widget' })
class WidgetWithColour extends WidgetColumns {
  @Column({ type: 'text', nullable: true })
  colour!: string | null;
}

/** Hand-written, with unqualified names: search_path puts the table in whichever schema runs it. */
class CreateWidget1764300000000 implements MigrationInterface {
  name = 'CreateWidget1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "widget" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "quantity" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "widget_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "widget_name_key" ON "widget" ("name")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "widget"`);
  }
}

class AddWidgetNote1764300000001 implements MigrationInterface {
  name = 'AddWidgetNote1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "widget_note" ("widget_id" uuid NOT NULL REFERENCES "widget" ("id"), "body" text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "widget_note"`);
  }
}

const ROLE = 'cardlink_inventory';

function dataSourceFor(testSchema: TestSchema, entity: typeof Widget | typeof WidgetWithColour = Widget): DataSource {
  return createServiceDataSource({
    url: testSchema.url,
    schema: testSchema.schema,
    entities: [entity],
    migrations: [CreateWidget1764300000000],
    poolSize: 2,
  });
}

async function tablesIn(testSchema: TestSchema, dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [testSchema.schema],
  );
  return rows.map((row) => row.table_name);
}

describe('runMigrations and schemaDrift', () => {
  let testSchema: TestSchema;
  const dataSources: DataSource[] = [];
  const track = (dataSource: DataSource): DataSource => {
    dataSources.push(dataSource);
    return dataSource;
  };

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: ROLE, prefix: 'persistence_mig' });
  });

  afterAll(async () => {
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await testSchema?.drop();
  });

  it('initialises the data source and applies the migration into the service schema', async () => {
    const dataSource = track(dataSourceFor(testSchema));
    expect(dataSource.isInitialized).toBe(false);

    await expect(runMigrations(dataSource)).resolves.toEqual(['CreateWidget1764300000000']);

    expect(dataSource.isInitialized).toBe(true);
    expect(await tablesIn(testSchema, dataSource)).toEqual(['migrations', 'widget']);
    const applied: Array<{ name: string }> = await dataSource.query(`SELECT name FROM "${testSchema.schema}"."migrations"`);
    expect(applied).toEqual([{ name: 'CreateWidget1764300000000' }]);
  });

  it('applies nothing the second time, also from a fresh data source', async () => {
    await expect(runMigrations(dataSources[0])).resolves.toEqual([]);
    const again = track(dataSourceFor(testSchema));
    await expect(runMigrations(again)).resolves.toEqual([]);
    await again.destroy();
  });

  it('reports no drift when entities and migrations agree', async () => {
    await expect(schemaDrift(dataSources[0])).resolves.toEqual([]);
  });

  it('reports the SQL for a column the migrations do not create', async () => {
    const drifted = track(dataSourceFor(testSchema, WidgetWithColour));
    const drift = await schemaDrift(drifted);
    expect(drift.length).toBeGreaterThan(0);
    expect(drift.join('\n')).toMatch(/ALTER TABLE .*"widget" ADD "colour" text/);
  });

  it('reads and writes entities in the service schema without the entity naming it', async () => {
    const repository = dataSources[0].getRepository(Widget);
    const saved = await repository.save(repository.create({ name: `w-${Date.now()}`, quantity: 3 }));
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    const rows: Array<{ quantity: number }> = await dataSources[0].query(
      `SELECT quantity FROM "${testSchema.schema}"."widget" WHERE id = $1`,
      [saved.id],
    );
    expect(rows).toEqual([{ quantity: 3 }]);
  });

  it('applies new migrations in order and only those', async () => {
    const dataSource = track(
      createServiceDataSource({
        url: testSchema.url,
        schema: testSchema.schema,
        entities: [Widget],
        migrations: [CreateWidget1764300000000, AddWidgetNote1764300000001],
        poolSize: 1,
      }),
    );
    await expect(runMigrations(dataSource)).resolves.toEqual(['AddWidgetNote1764300000001']);
    expect(await tablesIn(testSchema, dataSource)).toEqual(['migrations', 'widget', 'widget_note']);
  });
});

describe('runMigrations from several replicas at once', () => {
  let testSchema: TestSchema;
  let replicas: DataSource[] = [];

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: ROLE, prefix: 'persistence_race' });
    replicas = Array.from({ length: 4 }, () => dataSourceFor(testSchema));
  });

  afterAll(async () => {
    for (const dataSource of replicas) if (dataSource.isInitialized) await dataSource.destroy();
    await testSchema?.drop();
  });

  it('applies each migration exactly once', async () => {
    const results = await Promise.all(replicas.map((dataSource) => runMigrations(dataSource)));
    expect(results.flat()).toEqual(['CreateWidget1764300000000']);
    const rows: Array<{ count: string }> = await replicas[0].query(`SELECT count(*) AS count FROM migrations`);
    expect(rows).toEqual([{ count: '1' }]);
  });
});

describe('a migration that fails', () => {
  class Broken1764300000002 implements MigrationInterface {
    name = 'Broken1764300000002';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`CREATE TABLE "half_done" ("id" integer)`);
      await queryRunner.query(`SELECT * FROM "no_such_table"`);
    }

    async down(): Promise<void> {
      return undefined;
    }
  }

  let testSchema: TestSchema;

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: ROLE, prefix: 'persistence_fail' });
  });

  afterAll(async () => {
    await testSchema?.drop();
  });

  it('rejects, keeps the migrations before it and leaves nothing of itself behind', async () => {
    const dataSource = createServiceDataSource({
      url: testSchema.url,
      schema: testSchema.schema,
      entities: [],
      migrations: [CreateWidget1764300000000, Broken1764300000002],
      poolSize: 1,
    });
    try {
      await expect(runMigrations(dataSource)).rejects.toMatchObject({ driverError: { code: '42P01' } });
      expect(await tablesIn(testSchema, dataSource)).toEqual(['migrations', 'widget']);
      const applied: Array<{ name: string }> = await dataSource.query(`SELECT name FROM migrations`);
      expect(applied).toEqual([{ name: 'CreateWidget1764300000000' }]);
      // The advisory lock was released with the failure: a second attempt on the one-connection pool fails the same way instead of waiting forever.
      await expect(runMigrations(dataSource)).rejects.toMatchObject({ driverError: { code: '42P01' } });
    } finally {
      await dataSource.destroy();
    }
  });
});
