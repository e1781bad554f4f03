import { Client } from 'pg';
import { type DataSource, type MigrationInterface, QueryFailedError, type QueryRunner } from 'typeorm';
import { createServiceDataSource } from './data-source';
import { isDatabaseUnavailable, isSerializationFailure, isUniqueViolation } from './errors';
import { runMigrations } from './migrations';
import { createTestSchema, type TestSchema } from './test-schema';
import { withTransaction } from './transaction';

class CreateAccount1764300000200 implements MigrationInterface {
  name = 'CreateAccount1764300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "account" ("id" integer PRIMARY KEY, "email" text NOT NULL UNIQUE, "balance" integer NOT NULL)`);
    await queryRunner.query(`CREATE TABLE "entry" ("account_id" integer NOT NULL REFERENCES "account" ("id"))`);
    await queryRunner.query(`INSERT INTO "account" VALUES (1, 'a@example.com', 10), (2, 'b@example.com', 20)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "entry"`);
    await queryRunner.query(`DROP TABLE "account"`);
  }
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('Postgres error classification', () => {
  let testSchema: TestSchema;
  let dataSource: DataSource;
  const clients: Client[] = [];

  async function roleClient(): Promise<Client> {
    const client = new Client({ connectionString: testSchema.url, options: `-c search_path=${testSchema.schema}` });
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: 'cardlink_risk', prefix: 'persistence_err' });
    dataSource = createServiceDataSource({
      url: testSchema.url,
      schema: testSchema.schema,
      entities: [],
      migrations: [CreateAccount1764300000200],
      poolSize: 3,
    });
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy();
    await testSchema?.drop();
  });

  describe('isUniqueViolation', () => {
    it('is true for a duplicate key from TypeORM', async () => {
      const error = await errorOf(dataSource.query(`INSERT INTO account VALUES (3, 'a@example.com', 0)`));
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(error)).toBe(true);
      expect(isSerializationFailure(error)).toBe(false);
    });

    it('is true for a duplicate primary key thrown out of withTransaction', async () => {
      const error = await errorOf(
        withTransaction(dataSource, (manager) => manager.query(`INSERT INTO account VALUES (1, 'new@example.com', 0)`)),
      );
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('is true for a duplicate key from the pg driver itself', async () => {
      const client = await roleClient();
      const error = await errorOf(client.query(`INSERT INTO account VALUES (2, 'c@example.com', 0)`));
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('is false for other database errors', async () => {
      const foreignKey = await errorOf(dataSource.query(`INSERT INTO entry VALUES (999)`));
      const notNull = await errorOf(dataSource.query(`INSERT INTO account VALUES (4, NULL, 0)`));
      const syntax = await errorOf(dataSource.query(`INSERT INTO`));
      for (const error of [foreignKey, notNull, syntax]) {
        expect(error).toBeInstanceOf(QueryFailedError);
        expect(isUniqueViolation(error)).toBe(false);
      }
    });

    it.each([
      ['a plain Error', new Error('duplicate key value violates unique constraint')],
      ['undefined', undefined],
      ['null', null],
      ['the code as a string', '23505'],
      ['a numeric code', { code: 23505 }],
    ])('is false for %s', (_label, value) => {
      expect(isUniqueViolation(value)).toBe(false);
    });
  });

  describe('isSerializationFailure', () => {
    it('is true for a concurrent update under REPEATABLE READ (40001)', async () => {
      const other = await roleClient();
      const error = await errorOf(
        withTransaction(
          dataSource,
          async (manager) => {
            await manager.query(`SELECT balance FROM account WHERE id = 1`);
            await other.query(`UPDATE account SET balance = balance + 1 WHERE id = 1`);
            await manager.query(`UPDATE account SET balance = balance - 1 WHERE id = 1`);
          },
          { isolation: 'REPEATABLE READ' },
        ),
      );
      expect(error).toMatchObject({ driverError: { code: '40001' } });
      expect(isSerializationFailure(error)).toBe(true);
      expect(isUniqueViolation(error)).toBe(false);
    });

    it('is true for a deadlock (40P01)', async () => {
      const [first, second] = [await roleClient(), await roleClient()];
      await first.query('BEGIN');
      await second.query('BEGIN');
      try {
        await first.query(`UPDATE account SET balance = balance + 1 WHERE id = 1`);
        await second.query(`UPDATE account SET balance = balance + 1 WHERE id = 2`);
        const firstWaits = first.query(`UPDATE account SET balance = balance + 1 WHERE id = 2`);
        // Give the first update time to start waiting, so that the second one closes the cycle.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const secondWaits = second.query(`UPDATE account SET balance = balance + 1 WHERE id = 1`);
        const outcomes = await Promise.allSettled([firstWaits, secondWaits]);
        const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        expect(failures).toHaveLength(1);
        expect(failures[0].reason).toMatchObject({ code: '40P01' });
        expect(isSerializationFailure(failures[0].reason)).toBe(true);
      } finally {
        await first.query('ROLLBACK');
        await second.query('ROLLBACK');
      }
    });

    it('is false for other errors', async () => {
      const duplicate = await errorOf(dataSource.query(`INSERT INTO account VALUES (1, 'z@example.com', 0)`));
      expect(isSerializationFailure(duplicate)).toBe(false);
      expect(isSerializationFailure(new Error('could not serialize access'))).toBe(false);
      expect(isSerializationFailure(undefined)).toBe(false);
    });
  });
});

describe('isDatabaseUnavailable against a real pool', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'unavailable' });
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it('is true when every connection of the pool stays busy past the timeout, false for a bad query', async () => {
    const pool = createServiceDataSource({ url: schema.url, schema: schema.schema, entities: [], migrations: [], poolSize: 1 });
    await pool.initialize();
    const holder = pool.createQueryRunner();
    try {
      await holder.connect();
      expect(isDatabaseUnavailable(await errorOf(pool.query('SELECT 1')))).toBe(true);
      await holder.release();
      expect(isDatabaseUnavailable(await errorOf(pool.query('SELECT no_such_column FROM no_such_table')))).toBe(false);
    } finally {
      await holder.release().catch(() => undefined);
      await pool.destroy();
    }
  }, 20_000);

  it('is true when the server does not answer at all', async () => {
    const url = new URL(schema.url);
    url.port = '1';
    const unreachable = createServiceDataSource({ url: url.toString(), schema: schema.schema, entities: [], migrations: [] });
    expect(isDatabaseUnavailable(await errorOf(unreachable.initialize()))).toBe(true);
  });

  it('is false for values that are not errors', () => {
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('timeout exceeded when trying to connect')).toBe(false);
  });
});
