import { randomBytes } from 'node:crypto';
import { fingerprint, normaliseSecret } from './fingerprint';

const key = randomBytes(32);

describe('fingerprint', () => {
  it('is stable for the same secret and key', () => {
    expect(fingerprint('ABC-123,pw', key).equals(fingerprint('ABC-123,pw', key))).toBe(true);
    expect(fingerprint('ABC-123,pw', key)).toHaveLength(32);
  });

  it('ignores surrounding whitespace and the width of inner whitespace', () => {
    expect(fingerprint('  ABC  123\t', key).equals(fingerprint('ABC 123', key))).toBe(true);
    expect(normaliseSecret(' a \t\n b ')).toBe('a b');
  });

  it('keeps case: codes differing only in case are different cards', () => {
    expect(fingerprint('abc-123', key).equals(fingerprint('ABC-123', key))).toBe(false);
  });

  it('treats composed and decomposed Unicode as the same text', () => {
    expect(fingerprint('caf\u00e9', key).equals(fingerprint('cafe\u0301', key))).toBe(true);
  });

  it('depends on the key, so the table alone cannot confirm a guessed code', () => {
    expect(fingerprint('ABC-123', key).equals(fingerprint('ABC-123', randomBytes(32)))).toBe(false);
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => fingerprint('x', randomBytes(16))).toThrow('at least 32 bytes');
  });
});
