import { randomBytes } from 'node:crypto';
import { decodeBase64Strict, KeyringError, parseKeyring } from './keyring';

const key = () => randomBytes(32).toString('base64');

describe('parseKeyring', () => {
  it('reads every key by id and makes the first one active', () => {
    const k1 = key();
    const k2 = key();
    const keyring = parseKeyring(` k2:${k2} , k1:${k1}`);
    expect(keyring.activeKeyId).toBe('k2');
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(keyring.keys.get('k1')).toEqual(Buffer.from(k1, 'base64'));
  });

  it('accepts base64url keys and an explicitly named active key', () => {
    const raw = randomBytes(32);
    const keyring = parseKeyring(`a:${key()},b:${raw.toString('base64url')}`, 'b');
    expect(keyring.activeKeyId).toBe('b');
    expect(keyring.keys.get('b')).toEqual(raw);
  });

  it.each([
    ['', /at least one key/],
    ['k1', /no key id/],
    [`bad id:${key()}`, /key id must be/],
    [`k1:${key()},k1:${key()}`, /k1 appears twice/],
    ['k1:not*base64', /key k1 is not valid base64/],
    [`k1:${randomBytes(16).toString('base64')}`, /key k1 has 16 bytes/],
    ['k1:', /key k1 is empty/],
  ])('rejects %j with a clear reason', (text, reason) => {
    expect(() => parseKeyring(text)).toThrow(KeyringError);
    expect(() => parseKeyring(text)).toThrow(reason);
  });

  it('rejects an active key id that is not in the ring', () => {
    expect(() => parseKeyring(`k1:${key()}`, 'k9')).toThrow('the active key k9 is not in the keyring');
  });

  it('never puts key material into its errors', () => {
    const short = randomBytes(31).toString('base64');
    try {
      parseKeyring(`k1:${short}`);
      throw new Error('expected a KeyringError');
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});

describe('decodeBase64Strict', () => {
  it('refuses characters that Buffer.from would silently drop', () => {
    expect(() => decodeBase64Strict('AAAA!AAA', 'x')).toThrow('x is not valid base64');
    expect(decodeBase64Strict('AAEC', 'x')).toEqual(Buffer.from([0, 1, 2]));
  });
});
