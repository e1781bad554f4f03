import { randomBytes } from 'node:crypto';
import { CardDecryptionError, CardVault } from './card-vault';
import { parseKeyring } from './keyring';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const vault = new CardVault(parseKeyring(`k1:${k1}`));
const secret = 'CODE-1234-ABCD,pässwörd 秘密';

describe('CardVault', () => {
  it('round-trips a secret and stores the key id and a 12-byte IV beside the ciphertext', () => {
    const stored = vault.encrypt('card-1', secret);
    expect(stored.keyId).toBe('k1');
    expect(stored.iv).toHaveLength(12);
    expect(stored.ciphertext.toString('utf8')).not.toContain('CODE');
    expect(vault.decrypt('card-1', stored)).toBe(secret);
  });

  it('uses a fresh IV each time, so equal secrets give different ciphertexts', () => {
    const a = vault.encrypt('card-1', secret);
    const b = vault.encrypt('card-1', secret);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('detects a change of any single byte of the IV or ciphertext (tag included)', () => {
    const stored = vault.encrypt('card-1', secret);
    for (const part of ['iv', 'ciphertext'] as const) {
      for (let i = 0; i < stored[part].length; i++) {
        const altered = Buffer.from(stored[part]);
        altered[i] ^= 0x01;
        expect(() => vault.decrypt('card-1', { ...stored, [part]: altered })).toThrow(CardDecryptionError);
      }
    }
  });

  it('refuses a ciphertext moved to another card (the card id is authenticated)', () => {
    const stored = vault.encrypt('card-1', secret);
    expect(() => vault.decrypt('card-2', stored)).toThrow('card card-2: the secret does not authenticate');
  });

  it('refuses a ciphertext relabelled with another key id (the key id is authenticated)', () => {
    const both = new CardVault(parseKeyring(`k1:${k1},k2:${k1}`));
    const stored = both.encrypt('card-1', secret);
    expect(() => both.decrypt('card-1', { ...stored, keyId: 'k2' })).toThrow(CardDecryptionError);
  });

  it('fails with the wrong key and names an unknown key id', () => {
    const stored = vault.encrypt('card-1', secret);
    const other = new CardVault(parseKeyring(`k1:${k2}`));
    expect(() => other.decrypt('card-1', stored)).toThrow(CardDecryptionError);
    expect(() => new CardVault(parseKeyring(`k2:${k2}`)).decrypt('card-1', stored)).toThrow('key k1 is not in the keyring');
  });

  it('picks the key by the stored id after a rotation and re-encrypts under the new active key', () => {
    const stored = vault.encrypt('card-1', secret);
    const rotated = new CardVault(parseKeyring(`k2:${k2},k1:${k1}`));
    expect(rotated.decrypt('card-1', stored)).toBe(secret);
    const reencrypted = rotated.reencrypt('card-1', stored);
    expect(reencrypted.keyId).toBe('k2');
    expect(new CardVault(parseKeyring(`k2:${k2}`)).decrypt('card-1', reencrypted)).toBe(secret);
  });

  it('rejects truncated data with a reason', () => {
    const stored = vault.encrypt('card-1', secret);
    expect(() => vault.decrypt('card-1', { ...stored, iv: stored.iv.subarray(0, 8) })).toThrow('IV must be 12 bytes');
    expect(() => vault.decrypt('card-1', { ...stored, ciphertext: stored.ciphertext.subarray(0, 4) })).toThrow('too short');
  });
});
