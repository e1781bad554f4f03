/** Encryption keys for card secrets at rest: every key by its id, and the one new secrets are encrypted with. */
export interface Keyring {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A keyring or key could not be read. The message never contains key material. */
export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes standard base64 or base64url strictly: Buffer.from silently skips
 * characters it does not know, which would turn a typo into a different key.
 */
export function decodeBase64Strict(text: string, what: string): Buffer {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new KeyringError(`${what} is empty`);
  if (BASE64.test(trimmed)) return Buffer.from(trimmed, 'base64');
  if (BASE64URL.test(trimmed)) return Buffer.from(trimmed, 'base64url');
  throw new KeyringError(`${what} is not valid base64`);
}

/**
 * Reads a keyring written as `id:<base64 32 bytes>[,id:<base64 32 bytes>…]`.
 * The first entry is the active key unless `activeKeyId` names another, so a
 * rotation prepends the new key and keeps the old ones until every card was
 * re-encrypted.
 */
export function parseKeyring(text: string, activeKeyId?: string): Keyring {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new KeyringError('expected at least one key as id:<base64 of 32 bytes>, e.g. k1:AAAA…');
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    if (separator < 0) throw new KeyringError(`entry ${index + 1} has no key id: expected id:<base64 of 32 bytes>`);
    const id = entry.slice(0, separator).trim();
    if (!KEY_ID.test(id)) throw new KeyringError(`entry ${index + 1}: key id must be 1-32 letters, digits, dot, dash or underscore`);
    if (keys.has(id)) throw new KeyringError(`key id ${id} appears twice`);
    const key = decodeBase64Strict(entry.slice(separator + 1), `key ${id}`);
    if (key.length !== KEY_BYTES) throw new KeyringError(`key ${id} has ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
    keys.set(id, key);
  });
  const active = activeKeyId ?? entries[0].slice(0, entries[0].indexOf(':')).trim();
  if (!keys.has(active)) throw new KeyringError(`the active key ${active} is not in the keyring`);
  return { activeKeyId: active, keys };
}
