import { createServer } from 'node:net';
import type { DataSource, EntitySchema } from 'typeorm';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@cardlink/messaging';
import { createServiceDataSource, createTestSchema, runMigrations, schemaDrift, type TestSchema } from '@cardlink/persistence';

export interface ServiceTables {
  /** The service's database role, e.g. cardlink_inventory. */
  role: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: ReadonlyArray<Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: ReadonlyArray<Function>;
}

/** A service's tables in a throwaway schema, migrated; `drop` closes the connections and removes the schema. */
export interface MigratedTables {
  dataSource: DataSource;
  schema: TestSchema;
  drop(): Promise<void>;
}

/** Applies a service's migrations (with the platform's outbox and inbox) to a throwaway schema, as the service's role. */
export async function migratedTables(tables: ServiceTables & { prefix: string; poolSize?: number }): Promise<MigratedTables> {
  const schema = await createTestSchema({ role: tables.role, prefix: tables.prefix });
  const dataSource = createServiceDataSource({
    url: schema.url,
    schema: schema.schema,
    entities: [...MESSAGING_ENTITIES, ...tables.entities],
    migrations: [...MESSAGING_MIGRATIONS, ...tables.migrations],
    poolSize: tables.poolSize ?? 2,
  });
  const drop = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await schema.drop();
  };
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await drop();
    throw error;
  }
  return { dataSource, schema, drop };
}

/**
 * Returns the SQL that generating a migration from a service's entities would
 * write after its migrations ran. Empty means migrations and entities agree.
 */
export async function schemaDriftOf(tables: ServiceTables): Promise<string[]> {
  const migrated = await migratedTables({ ...tables, prefix: 'drift' });
  try {
    return await schemaDrift(migrated.dataSource);
  } finally {
    await migrated.drop();
  }
}

/**
 * The environment that runs a service against a throwaway schema and a private
 * topic prefix, migrating at start; add the service's own variables on top.
 */
export function serviceTestEnv(opts: {
  port: number;
  schema: { url: string; schema: string };
  topicPrefix: string;
  brokers: readonly string[];
  consumerGroup?: string;
  logLevel?: string;
}): Record<string, string> {
  return {
    PORT: String(opts.port),
    DATABASE_URL: opts.schema.url,
    DATABASE_SCHEMA: opts.schema.schema,
    DATABASE_MIGRATE_ON_START: 'true',
    KAFKA_BROKERS: opts.brokers.join(','),
    KAFKA_TOPIC_PREFIX: opts.topicPrefix,
    ...(opts.consumerGroup ? { KAFKA_CONSUMER_GROUP: opts.consumerGroup } : {}),
    LOG_LEVEL: opts.logLevel ?? 'warn',
  };
}

/**
 * A TCP port nobody listens on right now, chosen by the kernel. Picking a
 * random number instead collides with other suites and with the local ports
 * of outgoing connections, which share the same range.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}
export { startServiceUnderTest, type ServiceUnderTest } from './service-under-test';

/**
 * Reads until `accept` holds or the time is up, and returns the last value
 * read, so the caller's assertion shows what was there when it gave up.
 */
export async function eventually<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    value = await read();
  }
  return value;
}
