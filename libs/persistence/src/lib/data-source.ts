import { DataSource, type DataSourceOptions, type EntitySchema } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { assertSchemaName } from './schema-name';

/* eslint-disable @typescript-eslint/no-unsafe-function-type -- TypeORM itself types entity and migration classes as Function */
export interface ServiceDatabaseOptions {
  /** postgres://role:password@host:port/database */
  url: string;
  /** The service's own schema; tables, the migrations table and search_path all use it. */
  schema: string;
  entities: ReadonlyArray<Function | EntitySchema>;
  /** Migration classes, listed explicitly: services are bundled by webpack, so globs find nothing. */
  migrations: ReadonlyArray<Function>;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  applicationName?: string;
  /** statement_timeout for every connection of the pool, in milliseconds. */
  statementTimeoutMs?: number;
}
/* eslint-enable @typescript-eslint/no-unsafe-function-type */

export const DEFAULT_POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 5_000;

export function serviceDataSourceOptions(opts: ServiceDatabaseOptions): DataSourceOptions {
  const schema = assertSchemaName(opts.schema);
  if (!opts.url) throw new Error('ServiceDatabaseOptions.url is required (postgres://role:password@host:port/database)');
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new Error(`ServiceDatabaseOptions.poolSize must be a positive integer, got ${poolSize}`);
  }
  const statementTimeoutMs = opts.statementTimeoutMs;
  if (statementTimeoutMs !== undefined && (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0)) {
    throw new Error(`ServiceDatabaseOptions.statementTimeoutMs must be a non-negative integer, got ${statementTimeoutMs}`);
  }

  const options: PostgresConnectionOptions = {
    type: 'postgres',
    url: opts.url,
    schema,
    entities: [...opts.entities],
    migrations: [...opts.migrations],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // Service roles may not create extensions; gen_random_uuid() is built into Postgres 13+.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    extra: {
      max: poolSize,
      // Only the service's schema: an unqualified name can never resolve to another schema or to public.
      options: `-c search_path=${schema}`,
      ...(statementTimeoutMs !== undefined ? { statement_timeout: statementTimeoutMs } : {}),
    },
  };
  return options;
}

export function createServiceDataSource(opts: ServiceDatabaseOptions): DataSource {
  return new DataSource(serviceDataSourceOptions(opts));
}
