import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { createServiceDataSource, serviceDataSourceOptions, type ServiceDatabaseOptions } from './data-source';
import { createTestSchema, type TestSchema } from './test-schema';

const base: ServiceDatabaseOptions = {
  url: 'postgres://cardlink_orders:cardlink_orders_dev@127.0.0.1:5432/cardlink_test',
  schema: 'orders',
  entities: [],
  migrations: [],
};

function postgresOptions(opts: ServiceDatabaseOptions): PostgresConnectionOptions {
  return serviceDataSourceOptions(opts) as PostgresConnectionOptions;
}

describe('serviceDataSourceOptions', () => {
  it('configures the data source for one schema, explicit migrations and no synchronize', () => {
    const options = postgresOptions(base);
    expect(options).toMatchObject({
      type: 'postgres',
      url: base.url,
      schema: 'orders',
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'each',
      migrationsRun: false,
      synchronize: false,
      logging: false,
      connectTimeoutMS: 5_000,
    });
    expect(options.extra).toEqual({ max: 10, options: '-c search_path=orders' });
  });

  it('passes pool size, application name and statement timeout through', () => {
    const options = postgresOptions({ ...base, poolSize: 3, applicationName: 'order-processing', statementTimeoutMs: 2_500 });
    expect(options.applicationName).toBe('order-processing');
    expect(options.extra).toEqual({ max: 3, options: '-c search_path=orders', statement_timeout: 2_500 });
  });

  it.each(['Orders', 'or-ders', '1orders', 'orders;drop table x', 'orders ', '', 'a'.repeat(64)])(
    'rejects the schema name %j with a clear error',
    (schema) => {
      expect(() => serviceDataSourceOptions({ ...base, schema })).toThrow(/Invalid schema name .*lower-case Postgres identifier/);
    },
  );

  it('accepts a 63-character schema name', () => {
    const schema = `s${'a'.repeat(62)}`;
    expect(postgresOptions({ ...base, schema }).schema).toBe(schema);
  });

  it('rejects a pool size below one', () => {
    expect(() => serviceDataSourceOptions({ ...base, poolSize: 0 })).toThrow(/poolSize/);
  });
});

describe('createServiceDataSource against Postgres', () => {
  let testSchema: TestSchema;

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: 'cardlink_orders', prefix: 'persistence_ds' });
  });

  afterAll(async () => {
    await testSchema?.drop();
  });

  it('gives every connection the schema as its only search_path, plus the timeout and name asked for', async () => {
    const dataSource = createServiceDataSource({
      url: testSchema.url,
      schema: testSchema.schema,
      entities: [],
      migrations: [],
      poolSize: 2,
      applicationName: 'persistence-spec',
      statementTimeoutMs: 1_500,
    });
    await dataSource.initialize();
    try {
      const rows: Array<{ search_path: string; timeout: string; app: string; current_schema: string }> = await dataSource.query(
        `SELECT current_setting('search_path') AS search_path, current_setting('statement_timeout') AS timeout,
                current_setting('application_name') AS app, current_schema() AS current_schema`,
      );
      expect(rows).toEqual([{ search_path: testSchema.schema, timeout: '1500ms', app: 'persistence-spec', current_schema: testSchema.schema }]);
      await expect(dataSource.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ driverError: { code: '57014' } });
    } finally {
      await dataSource.destroy();
    }
  });
});
