import { createHash, randomBytes } from 'node:crypto';

/** Who is calling an admin API, and what they may do. */
export interface Principal {
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
}

/** Credentials known to a service, looked up by the SHA-256 of the bearer token. */
export type CredentialRegistry = ReadonlyMap<string, Principal>;

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const SCOPE = /^[a-z][a-z-]*:[a-z][a-z-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export class CredentialFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CredentialFormatError';
  }
}

/**
 * Parses `API_CREDENTIALS`: space-separated entries
 * `<name>:<scope>[,<scope>...]:<sha256-hex-of-token>`. Only token hashes are
 * configured, so the environment alone does not let anyone call the API.
 */
export function parseCredentials(text: string): CredentialRegistry {
  const registry = new Map<string, Principal>();
  const problems: string[] = [];
  const entries = text.split(/\s+/).filter(Boolean);
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const parts = entry.split(':');
    // A scope contains a colon itself, so the name is first and the hash is last.
    if (parts.length < 4) {
      problems.push(`${where} should be <name>:<scope>[,<scope>...]:<sha256-hex>`);
      return;
    }
    const name = parts[0] ?? '';
    const hash = (parts[parts.length - 1] ?? '').toLowerCase();
    const scopes = parts.slice(1, -1).join(':').split(',').filter(Boolean);
    if (!NAME.test(name)) problems.push(`${where} has an invalid name "${name}" (letters, digits, . _ @ - only)`);
    const badScopes = scopes.filter((s) => !SCOPE.test(s));
    if (scopes.length === 0) problems.push(`${where} (${name}) has no scope`);
    if (badScopes.length) problems.push(`${where} (${name}) has invalid scopes ${badScopes.join(', ')} (expected area:action)`);
    if (!SHA256_HEX.test(hash)) problems.push(`${where} (${name}) should end in the 64-hex-digit SHA-256 of the token, not the token itself`);
    if (registry.has(hash)) problems.push(`${where} (${name}) repeats another entry's token`);
    registry.set(hash, { name, scopes: new Set(scopes) });
  });
  if (problems.length) throw new CredentialFormatError(problems);
  return registry;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random bearer token and the `API_CREDENTIALS` entry that admits it. */
export function issueCredential(name: string, scopes: readonly string[]): { token: string; entry: string } {
  const token = `clk_${randomBytes(32).toString('base64url')}`;
  const entry = `${name}:${scopes.join(',')}:${hashToken(token)}`;
  parseCredentials(entry);
  return { token, entry };
}

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' };

/** Resolves an `Authorization` header to the principal it names, if any. */
export function authenticate(registry: CredentialRegistry, authorization: string | undefined): Authentication {
  if (!authorization) return { ok: false, reason: 'missing' };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const principal = registry.get(hashToken(match[1]));
  return principal ? { ok: true, principal } : { ok: false, reason: 'unknown' };
}

/** The required scopes the principal lacks; empty means allowed. */
export function missingScopes(principal: Principal, required: readonly string[]): string[] {
  return required.filter((scope) => !principal.scopes.has(scope));
}
