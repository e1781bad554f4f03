import { type DataSource, MigrationExecutor } from 'typeorm';

async function ensureInitialized(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
}

function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('the data source has no schema; create it with createServiceDataSource()');
  return schema;
}

/**
 * Applies pending migrations and returns the names applied ([] when up to date).
 *
 * Several replicas of a service start at once, and TypeORM does not lock the
 * migrations table, so a session advisory lock per schema serialises them: the
 * first one migrates, the others wait and then find nothing pending. The
 * migrations run on the connection that holds the lock, so this also works
 * with a pool of one.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  await ensureInitialized(dataSource);
  const lockKey = `cardlink.migrations.${schemaOf(dataSource)}`;
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = dataSource.options.migrationsTransactionMode ?? 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      // A dead connection drops the lock with the session, so a failed unlock needs no handling.
      await queryRunner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * The SQL that `typeorm migration:generate` would write for this data source:
 * the difference between the entities and the tables in the schema. Run it
 * after runMigrations on a fresh schema; [] means the migrations build exactly
 * what the entities describe.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  await ensureInitialized(dataSource);
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}
