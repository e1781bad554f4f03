import { randomUUID } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createServiceDataSource } from './data-source';
import { runMigrations } from './migrations';
import { createTestSchema, type TestSchema } from './test-schema';
import { withTransaction } from './transaction';

class CreateNote1764300000100 implements MigrationInterface {
  name = 'CreateNote1764300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "note" ("id" integer PRIMARY KEY, "body" text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "note"`);
  }
}

/** The pg pool behind the data source: how many connections exist, sit idle, or are waited for. */
function poolOf(dataSource: DataSource): { totalCount: number; idleCount: number; waitingCount: number } {
  return (dataSource.driver as PostgresDriver).master;
}

describe('withTransaction', () => {
  const applicationName = `persistence-tx-${randomUUID().slice(0, 8)}`;
  let testSchema: TestSchema;
  let dataSource: DataSource;
  let nextId = 1;

  async function noteIds(): Promise<number[]> {
    const rows: Array<{ id: number }> = await dataSource.query(`SELECT id FROM note ORDER BY id`);
    return rows.map((row) => row.id);
  }

  async function openTransactions(): Promise<number> {
    const rows: Array<{ count: string }> = await dataSource.query(
      `SELECT count(*) AS count FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
      [applicationName],
    );
    return Number(rows[0].count);
  }

  beforeAll(async () => {
    testSchema = await createTestSchema({ role: 'cardlink_orders', prefix: 'persistence_tx' });
    dataSource = createServiceDataSource({
      url: testSchema.url,
      schema: testSchema.schema,
      entities: [],
      migrations: [CreateNote1764300000100],
      poolSize: 2,
      applicationName,
    });
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await testSchema?.drop();
  });

  beforeEach(async () => {
    await dataSource.query(`DELETE FROM note`);
  });

  it('commits when the work resolves and returns its result', async () => {
    const id = nextId++;
    const result = await withTransaction(dataSource, async (manager) => {
      await manager.query(`INSERT INTO note (id, body) VALUES ($1, 'kept')`, [id]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await noteIds()).toEqual([id]);
  });

  it('rolls back and rethrows the same error when the work throws', async () => {
    const id = nextId++;
    const failure = new Error('work failed');
    await expect(
      withTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO note (id, body) VALUES ($1, 'discarded')`, [id]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await noteIds()).toEqual([]);
  });

  it('runs the work on one connection: it sees its own uncommitted writes, others do not', async () => {
    const id = nextId++;
    await withTransaction(dataSource, async (manager) => {
      await manager.query(`INSERT INTO note (id, body) VALUES ($1, 'pending')`, [id]);
      const inside: Array<{ id: number }> = await manager.query(`SELECT id FROM note`);
      expect(inside).toEqual([{ id }]);
      expect(await noteIds()).toEqual([]);
    });
    expect(await noteIds()).toEqual([id]);
  });

  it('uses the isolation level asked for, READ COMMITTED otherwise', async () => {
    const isolationOf = (isolation?: 'REPEATABLE READ' | 'SERIALIZABLE') =>
      withTransaction(
        dataSource,
        async (manager) => {
          const rows: Array<{ level: string }> = await manager.query(`SELECT current_setting('transaction_isolation') AS level`);
          return rows[0].level;
        },
        { isolation },
      );
    await expect(isolationOf()).resolves.toBe('read committed');
    await expect(isolationOf('REPEATABLE READ')).resolves.toBe('repeatable read');
    await expect(isolationOf('SERIALIZABLE')).resolves.toBe('serializable');
  });

  it('leaks no connection over 50 sequential and 50 concurrent runs with a pool of two', async () => {
    const runOnce = (i: number) => {
      const id = nextId++;
      return withTransaction(dataSource, async (manager) => {
        await manager.query(`INSERT INTO note (id, body) VALUES ($1, 'x')`, [id]);
        if (i % 2 === 1) throw new Error(`odd run ${i}`);
        return id;
      }).then(
        (committed) => committed,
        () => undefined,
      );
    };

    const sequential: Array<number | undefined> = [];
    for (let i = 0; i < 50; i++) sequential.push(await runOnce(i));
    const concurrent = await Promise.all(Array.from({ length: 50 }, (_, i) => runOnce(i)));

    const committed = [...sequential, ...concurrent].filter((id): id is number => id !== undefined);
    expect(committed).toHaveLength(50);
    expect(await noteIds()).toEqual([...committed].sort((a, b) => a - b));

    const pool = poolOf(dataSource);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(pool.waitingCount).toBe(0);
    expect(await openTransactions()).toBe(0);
  });

  it('releases the connection and rethrows the work error when the rollback fails too', async () => {
    const failure = new Error('work failed');
    const created: QueryRunner[] = [];
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    const spy = jest.spyOn(dataSource, 'createQueryRunner').mockImplementation((mode) => {
      const queryRunner = createQueryRunner(mode);
      const rollback = queryRunner.rollbackTransaction.bind(queryRunner);
      jest.spyOn(queryRunner, 'rollbackTransaction').mockImplementation(async () => {
        await rollback();
        throw new Error('rollback failed');
      });
      jest.spyOn(queryRunner, 'release');
      created.push(queryRunner);
      return queryRunner;
    });
    try {
      for (let i = 0; i < 5; i++) {
        await expect(withTransaction(dataSource, () => Promise.reject(failure))).rejects.toBe(failure);
      }
    } finally {
      spy.mockRestore();
    }
    expect(created).toHaveLength(5);
    for (const queryRunner of created) {
      expect(queryRunner.rollbackTransaction).toHaveBeenCalledTimes(1);
      expect(queryRunner.release).toHaveBeenCalledTimes(1);
      expect(queryRunner.isReleased).toBe(true);
    }
    expect(poolOf(dataSource).idleCount).toBe(poolOf(dataSource).totalCount);
  });

  it('keeps the pool usable after the connection dies inside the work', async () => {
    await expect(
      withTransaction(dataSource, (manager) => manager.query(`SELECT pg_terminate_backend(pg_backend_pid())`)),
    ).rejects.toThrow();
    for (let i = 0; i < 4; i++) {
      const id = nextId++;
      await withTransaction(dataSource, (manager) => manager.query(`INSERT INTO note (id, body) VALUES ($1, 'after')`, [id]));
    }
    expect(await noteIds()).toHaveLength(4);
    expect(poolOf(dataSource).waitingCount).toBe(0);
  });

  it('refuses a data source that is not initialised', async () => {
    const idle = createServiceDataSource({ url: testSchema.url, schema: testSchema.schema, entities: [], migrations: [] });
    await expect(withTransaction(idle, async () => 1)).rejects.toThrow(/not initialised/);
  });
});
