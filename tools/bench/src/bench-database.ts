import { Client } from 'pg';
import { hopTimings, type HopTiming } from './hop-timings';
import { adminDatabaseUrl, SERVICES } from './world-access';

/**
 * The benchmark's services live in a database of their own, so the
 * transactions pg_stat_database counts there are theirs alone and not the
 * test suites' running beside them.
 */
export const BENCH_DATABASE = process.env['CARDLINK_BENCH_DB'] ?? 'cardlink_bench';

export async function ensureBenchDatabase(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
    await admin.query(`REVOKE ALL ON DATABASE ${BENCH_DATABASE} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${BENCH_DATABASE} TO ${SERVICES.map((s) => s.role).join(', ')}`);
  } finally {
    await admin.end();
  }
  const inDb = new Client({ connectionString: adminDatabaseUrl(BENCH_DATABASE) });
  await inDb.connect();
  try {
    await inDb.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    // Schemas a run that crashed left behind: the database is the benchmark's alone.
    const { rows } = await inDb.query<{ schema: string }>(`SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 'e2e\\_%' OR nspname LIKE 'pgbench\\_%'`);
    for (const { schema } of rows) await inDb.query(`DROP SCHEMA "${schema}" CASCADE`);
  } finally {
    await inDb.end();
  }
}

/** Transactions committed in the benchmark's database so far, and the connections open to it now. */
export class BenchDatabaseStats {
  private constructor(private readonly client: Client) {}

  static async open(): Promise<BenchDatabaseStats> {
    const client = new Client({ connectionString: adminDatabaseUrl(BENCH_DATABASE) });
    await client.connect();
    return new BenchDatabaseStats(client);
  }

  async committed(): Promise<number> {
    // The statistics snapshot of this session would otherwise stay frozen until its transaction ends.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await this.client.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1', [BENCH_DATABASE]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Connections of the services (every backend on the database but this one). */
  async connections(): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [BENCH_DATABASE]);
    return rows[0]?.n ?? 0;
  }

  /** Per-hop waits of the events written since `since` (see hop-timings.ts). */
  hops(schemas: Readonly<Record<string, string>>, since: Date): Promise<HopTiming[]> {
    return hopTimings(this.client, schemas, since);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
