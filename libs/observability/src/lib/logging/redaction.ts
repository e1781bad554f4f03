import { maskEmail, maskPhone, REDACTED } from './masking';

/**
 * The single list of what must never reach a log in clear text. Both the plain
 * logger and the HTTP request logger are built from this module.
 */

/** Card secrets and credentials: replaced by REDACTED wherever they appear. */
export const SECRET_KEYS = [
  'secret',
  'cardSecret',
  'plaintext',
  'password',
  'passcode',
  'token',
  'accessToken',
  'apiKey',
  'privateKey',
] as const;

/** Buyer contacts: masked rather than removed, so support can still match a log to an order. */
export const CONTACT_KEYS = ['email', 'phone'] as const;

/** Credential-bearing HTTP headers (Node lower-cases incoming header names). */
export const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'webhook-signature',
  'x-api-key',
] as const;

/**
 * pino has no "any depth" wildcard, so each key is listed at the top level and
 * under one to three wildcard segments. Three segments reach arrays of objects
 * two levels down, e.g. `order.cards[0].secret`.
 */
const WILDCARD_PREFIXES = ['', '*.', '*.*.', '*.*.*.'] as const;

/** `headers` objects sit at most two levels down (`req.headers`, `err.response.headers`). */
const HEADER_PREFIXES = ['', '*.', '*.*.'] as const;

function keyPaths(keys: readonly string[]): string[] {
  return keys.flatMap((key) =>
    WILDCARD_PREFIXES.map((prefix) => `${prefix}${key}`),
  );
}

function headerPaths(headers: readonly string[]): string[] {
  return headers.flatMap((header) =>
    HEADER_PREFIXES.map((prefix) => `${prefix}headers["${header}"]`),
  );
}

/** Every pino `redact.paths` entry for card secrets, credentials and contacts. */
export const REDACT_PATHS: readonly string[] = [
  ...keyPaths(SECRET_KEYS),
  ...keyPaths(CONTACT_KEYS),
  ...headerPaths(SECRET_HEADERS),
];

/**
 * pino `redact.censor`: contacts are masked, everything else on the list is
 * replaced. The path's first segment may be a symbol for wildcard paths, so
 * only the last segment (the key itself) is inspected.
 */
export function censorLoggedValue(
  value: unknown,
  path: readonly (string | symbol)[],
): unknown {
  const key = path[path.length - 1];
  if (key === 'email') {
    return typeof value === 'string' ? maskEmail(value) : REDACTED;
  }
  if (key === 'phone') {
    return typeof value === 'string' ? maskPhone(value) : REDACTED;
  }
  return REDACTED;
}

/**
 * Query parameters that carry secrets, e.g. the token of a signed pickup link.
 * Lower-cased because query parameter names are compared case-insensitively here.
 */
const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([
  ...SECRET_KEYS.map((key) => key.toLowerCase()),
  'signature',
  'sig',
]);

/**
 * Replaces the values of secret query parameters in a request URL, because the
 * raw URL is logged next to the (already redacted) parsed query.
 */
export function redactUrlQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return url;
  }
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const rawName = pair.split('=', 1)[0];
      return SECRET_QUERY_PARAMS.has(decodeQueryName(rawName).toLowerCase())
        ? `${rawName}=${REDACTED}`
        : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

function decodeQueryName(rawName: string): string {
  try {
    return decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // Malformed percent-encoding: compare the raw name rather than fail the log line.
    return rawName;
  }
}
