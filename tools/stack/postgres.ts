import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminDatabaseUrl, LOCAL, localRolePassword } from './local-env';
import { STACK_DIR } from './paths';
import { log, run, StackError, waitFor } from './process-util';
import { SERVICES } from './services';

const PG_DIR = join(STACK_DIR, 'postgres');
const DATA_DIR = join(PG_DIR, 'data');
const LOG_FILE = join(PG_DIR, 'postgres.log');
const OWNED_MARKER = join(PG_DIR, 'started-by-cardlink');

export async function postgresAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new StackError(
    'No PostgreSQL server answers on ' +
      `${LOCAL.pgHost}:${LOCAL.pgPort} and no initdb was found under ${root}. ` +
      'Install the server (apt-get install postgresql) or point CARDLINK_PG_HOST / CARDLINK_PG_PORT at one.',
  );
}

/** initdb refuses to run as root, so a root user runs the cluster as the postgres user. */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  return [command, args];
}

async function startPrivateCluster(): Promise<void> {
  const bin = pgBinDir();
  mkdirSync(PG_DIR, { recursive: true });
  if (process.getuid?.() === 0) {
    const uid = Number(run('id', ['-u', 'postgres']).trim());
    const gid = Number(run('id', ['-g', 'postgres']).trim());
    chownSync(PG_DIR, uid, gid);
  }
  if (!existsSync(join(DATA_DIR, 'PG_VERSION'))) {
    log(`initialising a private PostgreSQL cluster in ${DATA_DIR}`);
    const [cmd, args] = asClusterOwner(join(bin, 'initdb'), ['-D', DATA_DIR, '-U', LOCAL.pgAdminUser, '--auth=trust', '-E', 'UTF8']);
    run(cmd, args);
  }
  log(`starting the private PostgreSQL cluster on port ${LOCAL.pgPort}`);
  const options = `-p ${LOCAL.pgPort} -c listen_addresses=${LOCAL.pgHost} -k ${PG_DIR} -c max_connections=200`;
  const [cmd, args] = asClusterOwner(join(bin, 'pg_ctl'), ['-D', DATA_DIR, '-l', LOG_FILE, '-o', options, '-w', 'start']);
  run(cmd, args);
  writeFileSync(OWNED_MARKER, new Date().toISOString());
  await waitFor('PostgreSQL', postgresAnswers, 30_000, LOG_FILE);
}

export async function ensurePostgres(): Promise<void> {
  if (await postgresAnswers()) {
    log(`PostgreSQL answers on ${LOCAL.pgHost}:${LOCAL.pgPort}`);
  } else {
    await startPrivateCluster();
  }
  for (const database of [LOCAL.database, LOCAL.testDatabase]) await provision(database);
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One login role and one schema per service, each role with rights on its own
 * schema only. Safe to run again: every statement checks before it creates.
 */
async function provision(database: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    for (const { role } of SERVICES) {
      const exists = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
      if (exists.rowCount === 0) {
        await admin.query(`create role ${role} login password ${quoteLiteral(localRolePassword(role))}`);
      }
    }
    const db = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (db.rowCount === 0) await admin.query(`create database ${database}`);
    await admin.query(`revoke all on database ${database} from public`);
    await admin.query(`grant connect, temporary on database ${database} to ${SERVICES.map((s) => s.role).join(', ')}`);
  } finally {
    await admin.end();
  }

  const inDb = new Client({ connectionString: adminDatabaseUrl(database) });
  await inDb.connect();
  try {
    await inDb.query('revoke all on schema public from public');
    for (const { schema, role } of SERVICES) {
      await inDb.query(`create schema if not exists ${schema} authorization ${role}`);
      await inDb.query(`revoke all on schema ${schema} from public`);
    }
  } finally {
    await inDb.end();
  }
  log(`database "${database}": ${SERVICES.length} schemas and roles ready`);
}

export async function stopPostgres(): Promise<void> {
  if (!existsSync(OWNED_MARKER)) {
    log('PostgreSQL was not started by cardlink: left running');
    return;
  }
  const bin = pgBinDir();
  const [cmd, args] = asClusterOwner(join(bin, 'pg_ctl'), ['-D', DATA_DIR, '-m', 'fast', '-w', 'stop']);
  try {
    run(cmd, args);
    log('private PostgreSQL cluster stopped');
  } catch (error) {
    log(`private PostgreSQL cluster: ${(error as Error).message.split('\n')[0]}`);
  }
  const { rmSync } = await import('node:fs');
  rmSync(OWNED_MARKER, { force: true });
}

export async function postgresStatus(): Promise<string> {
  const up = await postgresAnswers();
  const owner = existsSync(OWNED_MARKER) ? `private cluster in ${DATA_DIR}` : 'machine server';
  return `postgres  ${up ? 'up  ' : 'down'}  ${LOCAL.pgHost}:${LOCAL.pgPort} (${owner})`;
}
