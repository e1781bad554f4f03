import { parse } from 'csv-parse/sync';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CardSecret } from '../secrets/card-secret';

/** A card read from one line of an import. */
export interface CardLine extends CardSecret {
  line: number;
  expiresAt?: Date;
}

/** A line that cannot be a card, and why. Reasons never quote the code or password. */
export interface RejectedLine {
  line: number;
  reason: string;
}

export type ParsedLine = { card: CardLine } | { reject: RejectedLine };

export const MAX_FIELD_LENGTH = 512;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is being looked for
const CONTROL = /[\u0000-\u001f\u007f]/;
const HEADER_NAMES = new Set(['code', 'card', 'cardcode', '卡号', '卡密']);

function splitFields(text: string): string[] | string {
  // Most lines have no quotes: a plain split is exact for them and much faster than a CSV parser per line.
  if (!text.includes('"')) return text.split(',').map((field) => field.trim());
  try {
    const rows = parse(text, { relax_quotes: true, relax_column_count: true, trim: true }) as string[][];
    return rows[0] ?? [];
  } catch {
    return 'unbalanced quotes';
  }
}

/**
 * An expiry is an ISO date or date-time. A date alone means the card is good
 * through that day (UTC), so it expires when the next day begins.
 */
function parseExpiry(text: string): Date | undefined {
  if (DATE_ONLY.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) return undefined;
    return new Date(day.getTime() + 24 * 60 * 60 * 1000);
  }
  if (DATE_TIME.test(text)) {
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return undefined;
}

function checkSecretField(name: 'code' | 'password', value: string): string | undefined {
  if (value.length > MAX_FIELD_LENGTH) return `the ${name} is longer than ${MAX_FIELD_LENGTH} characters`;
  if (CONTROL.test(value)) return `the ${name} contains control characters`;
  return undefined;
}

/**
 * Reads one line: `code`, `code,password` or `code,password,expiry` (CSV
 * quoting allowed, so a code may contain commas). Returns undefined for a
 * blank line or a header line.
 */
export function parseCardLine(text: string, line: number, now: Date = new Date()): ParsedLine | undefined {
  const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
  if (trimmed.length === 0) return undefined;
  const fields = splitFields(trimmed);
  if (typeof fields === 'string') return { reject: { line, reason: fields } };
  if (line === 1 && HEADER_NAMES.has(fields[0].toLowerCase().replace(/[\s_-]/g, ''))) return undefined;
  if (fields.length > 3) return { reject: { line, reason: `expected code[,password[,expiry]] but found ${fields.length} fields` } };
  const [code, password = '', expiry = ''] = fields;
  if (code.length === 0) return { reject: { line, reason: 'the code is empty' } };
  const problem = checkSecretField('code', code) ?? checkSecretField('password', password);
  if (problem) return { reject: { line, reason: problem } };
  const card: CardLine = { line, code };
  if (password.length > 0) card.password = password;
  if (expiry.length > 0) {
    const expiresAt = parseExpiry(expiry);
    if (!expiresAt) return { reject: { line, reason: `the expiry "${expiry.slice(0, 40)}" is not an ISO date (YYYY-MM-DD or an ISO date-time)` } };
    if (expiresAt.getTime() <= now.getTime()) return { reject: { line, reason: `the card expired on ${expiry}` } };
    card.expiresAt = expiresAt;
  }
  return { card };
}

/** Parses lines as they arrive, numbering them from 1; blank and header lines are skipped. */
export async function* parseCardLines(lines: AsyncIterable<string> | Iterable<string>, now: Date = new Date()): AsyncGenerator<ParsedLine> {
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const parsed = parseCardLine(text, line, now);
    if (parsed) yield parsed;
  }
}

/** The lines of a text stream (LF or CRLF), one at a time, so an upload is never held whole in memory. */
export function linesOf(input: Readable): AsyncIterable<string> {
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // The iterator is created now, not at the first `for await`: readline drops lines emitted
  // before its iterator exists, and callers open a transaction before reading. The iterator
  // buffers a bounded number of lines and pauses the input beyond that.
  const iterator = lines[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => iterator };
}
