import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { assertSchemaName } from './schema-name';

export interface TestSchema {
  /** The new schema's name, `<prefix>_<random hex>`. */
  schema: string;
  /** Connection url of the role that owns the schema. */
  url: string;
  /** Drops the schema and everything in it; safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateTestSchemaOptions {
  /** The login role that will own the schema, e.g. cardlink_orders. */
  role: string;
  /** Default `test`. */
  prefix?: string;
  /** Superuser url; default postgres://<CARDLINK_PG_ADMIN_USER or postgres>@<CARDLINK_PG_HOST>:<CARDLINK_PG_PORT>/<database>. */
  adminUrl?: string;
  /** Default CARDLINK_TEST_DB or cardlink_test; overrides the database of adminUrl too. */
  database?: string;
  /** The role's password; default `<role>_dev` as the local stack provisions it. */
  password?: string;
}

function defaultTestDatabase(): string {
  return process.env['CARDLINK_TEST_DB'] ?? 'cardlink_test';
}

function defaultAdminUrl(database: string): string {
  const host = process.env['CARDLINK_PG_HOST'] ?? '127.0.0.1';
  const port = process.env['CARDLINK_PG_PORT'] ?? '5432';
  const user = process.env['CARDLINK_PG_ADMIN_USER'] ?? 'postgres';
  return `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(database)}`;
}

async function asAdmin(url: string, sql: string[]): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A throwaway schema owned by a service role, so that integration tests (and
 * parallel Jest workers) never share tables. Migrations use unqualified names,
 * so the service's real migrations build its tables here unchanged.
 */
export async function createTestSchema(opts: CreateTestSchemaOptions): Promise<TestSchema> {
  const role = assertSchemaName(opts.role, 'role');
  const prefix = assertSchemaName(opts.prefix ?? 'test', 'schema prefix');
  // 12 hex digits: collisions between concurrent test runs are not a practical concern.
  const schema = assertSchemaName(`${prefix}_${randomBytes(6).toString('hex')}`);

  const admin = new URL(opts.adminUrl ?? defaultAdminUrl(opts.database ?? defaultTestDatabase()));
  if (opts.database !== undefined) admin.pathname = `/${encodeURIComponent(opts.database)}`;
  const adminUrl = admin.toString();

  const roleUrl = new URL(adminUrl);
  roleUrl.username = encodeURIComponent(role);
  roleUrl.password = encodeURIComponent(opts.password ?? `${role}_dev`);

  await asAdmin(adminUrl, [`CREATE SCHEMA "${schema}" AUTHORIZATION "${role}"`, `REVOKE ALL ON SCHEMA "${schema}" FROM PUBLIC`]);

  return {
    schema,
    url: roleUrl.toString(),
    drop: () => asAdmin(adminUrl, [`DROP SCHEMA IF EXISTS "${schema}" CASCADE`]),
  };
}
