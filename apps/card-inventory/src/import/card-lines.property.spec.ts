import fc from 'fast-check';
import { MAX_FIELD_LENGTH, parseCardLine, parseCardLines, type ParsedLine } from './card-lines';

const now = new Date('2026-06-01T00:00:00Z');
// eslint-disable-next-line no-control-regex -- control characters are what a card must not contain
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What merchants' files hold besides cards: injection attempts, odd quoting, every kind of character. */
const hostileLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }),
  fc.string({ unit: fc.constantFrom(',', '"', ' ', '\t', '\r', 'a', '1', '-', ':', 'T', 'Z', '+', '\uFEFF'), maxLength: 40 }),
  fc.constantFrom("'; DROP TABLE cards; --", '<script>alert(1)</script>', '" OR 1=1 --', '\u0000', '"""', ',,,', '"a"b"', '""', '"', ' " , " '),
  fc.tuple(fc.string(), fc.string(), fc.string()).map((fields) => fields.join(',')),
);

/** A code or password no CSV quoting or trimming changes. */
const plainField = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:;!#$%&*+/=?@^~<>'()[\]{}|-]{0,60}$/);

function isWellFormed(parsed: ParsedLine | undefined, line: number): boolean {
  if (parsed === undefined) return true;
  if ('reject' in parsed) return parsed.reject.line === line && parsed.reject.reason.length > 0;
  const { card } = parsed;
  return (
    card.line === line &&
    card.code.length > 0 &&
    card.code.length <= MAX_FIELD_LENGTH &&
    !CONTROL.test(card.code) &&
    (card.password === undefined || (card.password.length > 0 && card.password.length <= MAX_FIELD_LENGTH && !CONTROL.test(card.password))) &&
    (card.expiresAt === undefined || card.expiresAt.getTime() > now.getTime())
  );
}

describe('parseCardLine under generated input', () => {
  it('never throws: every line is a card with a clean code, a rejection with a reason, or skipped', () => {
    fc.assert(
      fc.property(hostileLine, fc.integer({ min: 1, max: 1_000_000 }), (text, line) => {
        expect(isWellFormed(parseCardLine(text, line, now), line)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads back any plain code and password exactly, injection characters included', () => {
    fc.assert(
      fc.property(plainField, fc.option(plainField, { nil: undefined }), fc.integer({ min: 2, max: 10_000 }), (code, password, line) => {
        const parsed = parseCardLine(password === undefined ? code : `${code},${password}`, line, now);
        expect(parsed).toEqual({ card: { line, code, ...(password === undefined ? {} : { password }) } });
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads back any code and password through CSV quoting, commas and quotes included', () => {
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ',', '"', ' ', '<', '>', "'", ';', '-', '卡'), minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s.length > 0);
    fc.assert(
      fc.property(field, field, (code, password) => {
        expect(parseCardLine(`${quote(code)},${quote(password)}`, 2, now)).toEqual({ card: { line: 2, code, password } });
      }),
      { numRuns: 2_000 },
    );
  });

  it('never quotes a rejected code or password in the reason', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/);
    const spoiler = fc.constantFrom('\u0001', 'x'.repeat(MAX_FIELD_LENGTH + 1), ',a,b,c', ',,2027-13-45', ',,1999-01-01', '"');
    fc.assert(
      fc.property(secret, secret, spoiler, fc.boolean(), (code, password, spoil, spoilCode) => {
        const text = spoilCode ? `${code}${spoil},${password}` : `${code},${password}${spoil}`;
        const parsed = parseCardLine(text, 3, now);
        if (parsed && 'reject' in parsed) {
          expect(parsed.reject.reason).not.toContain(code);
          expect(parsed.reject.reason).not.toContain(password);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('parseCardLines under generated files', () => {
  it('numbers every line of the file and yields at most one result per line, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileLine, { maxLength: 60 }), async (lines) => {
        const results: ParsedLine[] = [];
        for await (const parsed of parseCardLines(lines, now)) results.push(parsed);
        const numbers = results.map((r) => ('card' in r ? r.card.line : r.reject.line));
        expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
        expect(numbers.every((n) => n >= 1 && n <= lines.length)).toBe(true);
        for (const parsed of results) expect(isWellFormed(parsed, 'card' in parsed ? parsed.card.line : parsed.reject.line)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
