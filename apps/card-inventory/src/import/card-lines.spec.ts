import { Readable } from 'node:stream';
import { linesOf, MAX_FIELD_LENGTH, parseCardLine, parseCardLines, type ParsedLine } from './card-lines';

const now = new Date('2026-06-01T00:00:00Z');

async function collect(lines: Iterable<string> | AsyncIterable<string>): Promise<ParsedLine[]> {
  const result: ParsedLine[] = [];
  for await (const parsed of parseCardLines(lines, now)) result.push(parsed);
  return result;
}

describe('parseCardLine', () => {
  it('reads a code alone, a code with a password, and an expiry, trimming each field', () => {
    expect(parseCardLine('  ABC-123  ', 4, now)).toEqual({ card: { line: 4, code: 'ABC-123' } });
    expect(parseCardLine('ABC-123 , pw 1 ', 5, now)).toEqual({ card: { line: 5, code: 'ABC-123', password: 'pw 1' } });
    expect(parseCardLine('ABC,pw,2027-01-31', 6, now)).toEqual({
      card: { line: 6, code: 'ABC', password: 'pw', expiresAt: new Date('2027-02-01T00:00:00Z') },
    });
    expect(parseCardLine('ABC,,2027-01-31T12:00:00+08:00', 7, now)).toEqual({
      card: { line: 7, code: 'ABC', expiresAt: new Date('2027-01-31T04:00:00Z') },
    });
  });

  it('understands CSV quoting, so a code or password may contain commas and quotes', () => {
    expect(parseCardLine('"A,B","p""w"', 2, now)).toEqual({ card: { line: 2, code: 'A,B', password: 'p"w' } });
    expect(parseCardLine('ab"c,pw', 3, now)).toEqual({ card: { line: 3, code: 'ab"c', password: 'pw' } });
  });

  it('skips blank lines and a header on the first line (after a BOM)', () => {
    expect(parseCardLine('   ', 9, now)).toBeUndefined();
    expect(parseCardLine('\uFEFFcode,password,expiry', 1, now)).toBeUndefined();
    expect(parseCardLine('卡号,密码', 1, now)).toBeUndefined();
    expect(parseCardLine('code,password', 2, now)).toEqual({ card: { line: 2, code: 'code', password: 'password' } });
  });

  it.each([
    ['a,b,2027-01-01,d', 'expected code[,password[,expiry]] but found 4 fields'],
    [',pw', 'the code is empty'],
    ['"ab,pw', 'unbalanced quotes'],
    ['ABC,pw,31/01/2027', 'the expiry "31/01/2027" is not an ISO date (YYYY-MM-DD or an ISO date-time)'],
    ['ABC,pw,2027-02-30', 'the expiry "2027-02-30" is not an ISO date (YYYY-MM-DD or an ISO date-time)'],
    ['ABC,pw,2026-05-31', 'the card expired on 2026-05-31'],
    ['AB\u0007C', 'the code contains control characters'],
    ['ABC,p\u0000w', 'the password contains control characters'],
  ])('rejects %j: %s', (text, reason) => {
    expect(parseCardLine(text, 12, now)).toEqual({ reject: { line: 12, reason } });
  });

  it('rejects a code longer than the limit', () => {
    expect(parseCardLine('x'.repeat(MAX_FIELD_LENGTH + 1), 2, now)).toEqual({
      reject: { line: 2, reason: `the code is longer than ${MAX_FIELD_LENGTH} characters` },
    });
  });

  it('never quotes the secret in a reason', () => {
    const parsed = parseCardLine('SECRET-CODE,SECRET-PW,never', 3, now);
    expect(parsed).toHaveProperty('reject');
    expect(JSON.stringify(parsed)).not.toMatch(/SECRET/);
  });
});

describe('parseCardLines', () => {
  it('numbers lines from 1 counting blank ones, and reports rejects beside cards', async () => {
    expect(await collect(['A1', '', 'A2,pw', ',x', '  '])).toEqual([
      { card: { line: 1, code: 'A1' } },
      { card: { line: 3, code: 'A2', password: 'pw' } },
      { reject: { line: 4, reason: 'the code is empty' } },
    ]);
  });

  it('reads CRLF and LF text from a stream, split across arbitrary chunks', async () => {
    const chunks = ['A1,p', 'w1\r\nA2\n', '\r\n"B,', '1",x\r', '\nlast'];
    const parsed = await collect(linesOf(Readable.from(chunks.map((chunk) => Buffer.from(chunk)))));
    expect(parsed).toEqual([
      { card: { line: 1, code: 'A1', password: 'pw1' } },
      { card: { line: 2, code: 'A2' } },
      { card: { line: 4, code: 'B,1', password: 'x' } },
      { card: { line: 5, code: 'last' } },
    ]);
  });

  it('loses no line when reading starts after the stream has already delivered', async () => {
    const lines = linesOf(Readable.from([Buffer.from('EARLY-1\nEARLY-2\n')]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await collect(lines)).toEqual([{ card: { line: 1, code: 'EARLY-1' } }, { card: { line: 2, code: 'EARLY-2' } }]);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const bytes = Buffer.from('卡密一号,密码\n');
    const parsed = await collect(linesOf(Readable.from([bytes.subarray(0, 4), bytes.subarray(4)])));
    expect(parsed).toEqual([{ card: { line: 1, code: '卡密一号', password: '密码' } }]);
  });
});
