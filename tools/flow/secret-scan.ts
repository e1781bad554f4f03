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

const BASE = 131;
const MOD = 2_147_483_629; // a prime below 2^31: products stay exact in doubles

/**
 * Finds which of many secrets occur in a text in one pass per distinct
 * spelling length (a rolling hash over a window of that length, confirmed
 * by comparing the text), instead of one search per secret: a fault-harness
 * run looks for thousands of secrets in a hundred thousand messages.
 */
export class SecretMatcher {
  private readonly byLength = new Map<number, { top: number; spellings: Map<number, { spelling: string; secret: string }[]> }>();

  constructor(secrets: readonly string[]) {
    for (const secret of secrets) {
      for (const spelling of spellings(secret)) {
        if (spelling.length === 0) continue;
        let group = this.byLength.get(spelling.length);
        if (!group) {
          let top = 1;
          for (let i = 1; i < spelling.length; i += 1) top = (top * BASE) % MOD;
          group = { top, spellings: new Map() };
          this.byLength.set(spelling.length, group);
        }
        const hash = hashOf(spelling, 0, spelling.length);
        const same = group.spellings.get(hash) ?? [];
        same.push({ spelling, secret });
        group.spellings.set(hash, same);
      }
    }
  }

  /** The secrets found in the text, each once. */
  find(text: string): string[] {
    const found = new Set<string>();
    for (const [length, { top, spellings: candidates }] of this.byLength) {
      if (text.length < length) continue;
      let hash = hashOf(text, 0, length);
      for (let start = 0; ; start += 1) {
        const hits = candidates.get(hash);
        if (hits) for (const hit of hits) if (!found.has(hit.secret) && text.startsWith(hit.spelling, start)) found.add(hit.secret);
        if (start + length >= text.length) break;
        hash = (((hash - ((text.charCodeAt(start) * top) % MOD) + MOD) % MOD) * BASE + text.charCodeAt(start + length)) % MOD;
      }
    }
    return [...found];
  }
}

function hashOf(text: string, from: number, length: number): number {
  let hash = 0;
  for (let i = from; i < from + length; i += 1) hash = (hash * BASE + text.charCodeAt(i)) % MOD;
  return hash;
}

function findIn(where: string, haystack: string, secrets: SecretMatcher): SecretFinding[] {
  return secrets.find(haystack).map((secret) => ({ where, secret }));
}

/** Every row of every table of the schemas, as text, searched for the secrets. */
export async function scanTables(adminUrl: string, schemas: readonly string[], secrets: readonly string[]): Promise<SecretFinding[]> {
  const matcher = new SecretMatcher(secrets);
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
        findings.push(...findIn(`table ${schema}.${table}`, dump.rows[0]?.rows ?? '', matcher));
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
  const matcher = new SecretMatcher(secrets);
  const findings: SecretFinding[] = [];
  let messages = 0;
  const unread = await readTopicsToEnd(
    'cardlink-secret-scan',
    allTopicNames().map((t) => `${prefix}${t}`),
    (topic, message) => {
      messages += 1;
      const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('\n');
      findings.push(...findIn(`topic ${topic}`, `${headers}\n${message.value?.toString('utf8') ?? ''}`, matcher));
    },
    timeoutMs,
  );
  if (unread.length) throw new Error(`secret scan could not read to the end of ${unread.join(', ')}`);
  return { findings, messages };
}

/** Every file in a log folder. */
export function scanLogs(logDir: string, secrets: readonly string[]): SecretFinding[] {
  const matcher = new SecretMatcher(secrets);
  return readdirSync(logDir).flatMap((file) => findIn(`log ${file}`, readFileSync(join(logDir, file), 'utf8'), matcher));
}
