import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { allTopicNames } from '@cardlink/contracts';
import { readTopicsToEnd } from './topic-reader';

export interface SecretFinding {
  where: string;
  secret: string;
}

/** Every spelling of a secret worth looking for: as text and as it would look in a bytea column. */
function spellings(secret: string): string[] {
  return [secret, Buffer.from(secret, 'utf8').toString('hex')];
}

function findIn(where: string, haystack: string, secrets: readonly string[]): SecretFinding[] {
  return secrets.filter((secret) => spellings(secret).some((s) => haystack.includes(s))).map((secret) => ({ where, secret }));
}

/** Every row of every table of the schemas, as text, searched for the secrets. */
export async function scanTables(adminUrl: string, schemas: readonly string[], secrets: readonly string[]): Promise<SecretFinding[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const findings: SecretFinding[] = [];
    for (const schema of schemas) {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
        [schema],
      );
      for (const { table_name: table } of tables.rows) {
        const dump = await client.query<{ rows: string | null }>(`SELECT string_agg(t::text, E'\\n') AS rows FROM "${schema}"."${table}" t`);
        findings.push(...findIn(`table ${schema}.${table}`, dump.rows[0]?.rows ?? '', secrets));
      }
    }
    return findings;
  } finally {
    await client.end();
  }
}

/**
 * Every message (headers and body) of every contract topic and its dead-letter
 * twin under the prefix: one consumer reads each partition up to the end it
 * had when the scan began.
 */
export async function scanTopics(prefix: string, secrets: readonly string[], timeoutMs = 60_000): Promise<{ findings: SecretFinding[]; messages: number }> {
  const findings: SecretFinding[] = [];
  let messages = 0;
  const unread = await readTopicsToEnd(
    'cardlink-secret-scan',
    allTopicNames().map((t) => `${prefix}${t}`),
    (topic, message) => {
      messages += 1;
      const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('\n');
      findings.push(...findIn(`topic ${topic}`, `${headers}\n${message.value?.toString('utf8') ?? ''}`, secrets));
    },
    timeoutMs,
  );
  if (unread.length) throw new Error(`secret scan could not read to the end of ${unread.join(', ')}`);
  return { findings, messages };
}

/** Every file in a log folder. */
export function scanLogs(logDir: string, secrets: readonly string[]): SecretFinding[] {
  return readdirSync(logDir).flatMap((file) => findIn(`log ${file}`, readFileSync(join(logDir, file), 'utf8'), secrets));
}
