import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * The write transaction pgbench measures, shaped like one step of an order in
 * a service: the inbox row of the event handled, a state row, its history row,
 * the outbox row of the next event (a payload of the events' size), and an
 * update of a counter row (stock, a risk counter) picked from many.
 */
export const PGBENCH_SCRIPT = `\\set key random(1, 100000000)
\\set counter random(1, 1000)
BEGIN;
INSERT INTO bench_inbox (consumer_group, event_id) VALUES ('bench', 'evt-' || :key || '-' || :client_id);
INSERT INTO bench_state (id, state, amount) VALUES ('ord-' || :key || '-' || :client_id, 'APPROVED', :key % 10000);
INSERT INTO bench_history (order_id, state) VALUES ('ord-' || :key || '-' || :client_id, 'APPROVED');
INSERT INTO bench_outbox (topic, message_key, payload) VALUES ('orders', 'ord-' || :key, repeat('x', 600));
UPDATE bench_counter SET value = value + 1, updated_at = now() WHERE id = :counter;
END;
`;

const TABLES = [
  'CREATE TABLE bench_inbox (consumer_group text NOT NULL, event_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer_group, event_id))',
  'CREATE TABLE bench_state (id text PRIMARY KEY, state text NOT NULL, amount int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE bench_history (id bigserial PRIMARY KEY, order_id text NOT NULL, state text NOT NULL, at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE bench_outbox (id bigserial PRIMARY KEY, topic text NOT NULL, message_key text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)',
  'CREATE INDEX ON bench_outbox (id) WHERE published_at IS NULL',
  'CREATE TABLE bench_counter (id int PRIMARY KEY, value bigint NOT NULL, updated_at timestamptz NOT NULL)',
  'INSERT INTO bench_counter SELECT g, 0, now() FROM generate_series(1, 1000) g',
];

export interface PgbenchResult {
  clients: number;
  seconds: number;
  tps: number;
  latencyAverageMs: number;
  transactions: number;
  failed: number;
}

export function readPgbench(output: string): Omit<PgbenchResult, 'clients' | 'seconds'> {
  const tps = /tps = ([\d.]+) \((?:without|excluding) initial connection/.exec(output)?.[1];
  if (!tps) throw new Error(`no tps in pgbench output:\n${output.slice(-800)}`);
  return {
    tps: Number(tps),
    latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(output)?.[1] ?? Number.NaN),
    transactions: Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? Number.NaN),
    failed: Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0),
  };
}

/** Runs the script in a throwaway schema of `adminUrl`'s database with `clients` connections. */
export async function runPgbench(opts: { adminUrl: string; clients: number; seconds: number; workDir: string }): Promise<PgbenchResult> {
  const schema = `pgbench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: opts.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`SET search_path = ${schema}`);
    for (const statement of TABLES) await admin.query(statement);
    const script = join(opts.workDir, 'pgbench-order-step.sql');
    writeFileSync(script, PGBENCH_SCRIPT);
    const url = new URL(opts.adminUrl);
    const args = ['-n', '-M', 'extended', '-c', String(opts.clients), '-j', '2', '-T', String(opts.seconds), '-f', script, '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username), url.pathname.slice(1)];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('pgbench', args, { env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text.slice(-800)}`))));
    });
    writeFileSync(join(opts.workDir, 'pgbench.log'), output);
    return { clients: opts.clients, seconds: opts.seconds, ...readPgbench(output) };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
