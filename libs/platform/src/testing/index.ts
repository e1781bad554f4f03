import type { EntitySchema } from 'typeorm';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@cardlink/messaging';
import { createServiceDataSource, createTestSchema, runMigrations, schemaDrift } from '@cardlink/persistence';

export interface ServiceTables {
  /** The service's database role, e.g. cardlink_inventory. */
  role: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: ReadonlyArray<Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: ReadonlyArray<Function>;
}

/**
 * Applies a service's migrations (with the platform's outbox and inbox) to a
 * throwaway schema and returns the SQL that generating a migration from its
 * entities would write. Empty means migrations and entities agree.
 */
export async function schemaDriftOf(tables: ServiceTables): Promise<string[]> {
  const schema = await createTestSchema({ role: tables.role, prefix: 'drift' });
  const dataSource = createServiceDataSource({
    url: schema.url,
    schema: schema.schema,
    entities: [...MESSAGING_ENTITIES, ...tables.entities],
    migrations: [...MESSAGING_MIGRATIONS, ...tables.migrations],
    poolSize: 2,
  });
  try {
    await runMigrations(dataSource);
    return await schemaDrift(dataSource);
  } finally {
    await dataSource.destroy();
    await schema.drop();
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
