import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SealedSecret } from '@cardlink/contracts';
import { KeyringError } from './keyring';
import {
  deliveryRecipient,
  generateDeliveryKeyPair,
  keyIdOf,
  openSealed,
  parsePrivateKey,
  parsePublicKey,
  sealForDelivery,
  SealedSecretError,
} from './sealing';

const pair = generateDeliveryKeyPair();
const recipient = deliveryRecipient(pair.publicKey);
const privateKey = parsePrivateKey(pair.privateKeyPem);
const secret = 'CODE-1234-ABCD,pässwörd';

describe('sealForDelivery / openSealed', () => {
  it('produces the contract SealedSecret shape and opens with the private key', () => {
    const sealed = sealForDelivery(secret, recipient);
    expect(SealedSecret.parse(sealed)).toEqual(sealed);
    expect(sealed.kid).toBe(pair.kid);
    for (const value of [sealed.epk, sealed.iv, sealed.ciphertext, sealed.tag]) expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(sealed)).not.toContain('CODE');
    expect(openSealed(sealed, privateKey)).toBe(secret);
  });

  it('uses a fresh ephemeral key per seal', () => {
    expect(sealForDelivery(secret, recipient).epk).not.toBe(sealForDelivery(secret, recipient).epk);
  });

  it('detects a change of any single byte of epk, iv, ciphertext or tag', () => {
    const sealed = sealForDelivery(secret, recipient);
    for (const name of ['epk', 'iv', 'ciphertext', 'tag'] as const) {
      const bytes = Buffer.from(sealed[name], 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        const altered = Buffer.from(bytes);
        altered[i] ^= 0x01;
        expect(() => openSealed({ ...sealed, [name]: altered.toString('base64url') }, privateKey)).toThrow(SealedSecretError);
      }
    }
  });

  it('refuses another private key, naming both key ids', () => {
    const sealed = sealForDelivery(secret, recipient);
    const other = generateKeyPairSync('x25519').privateKey;
    expect(() => openSealed(sealed, other)).toThrow(`sealed for key ${pair.kid}, but this is key ${keyIdOf(createPublicKey(other))}`);
  });

  it('refuses a sealed secret whose key id was relabelled (the kid is authenticated)', () => {
    const sealed = sealForDelivery(secret, { kid: 'other', publicKey: recipient.publicKey });
    expect(() => openSealed({ ...sealed, kid: pair.kid }, privateKey)).toThrow(SealedSecretError);
  });

  it('rejects fields that are not base64url or have the wrong length', () => {
    const sealed = sealForDelivery(secret, recipient);
    expect(() => openSealed({ ...sealed, iv: 'a+b/' }, privateKey)).toThrow('iv is not base64url');
    expect(() => openSealed({ ...sealed, tag: 'AAAA' }, privateKey)).toThrow('tag must be 16 bytes');
  });
});

describe('delivery key parsing', () => {
  it('reads a public key as base64, base64url or PEM, all with the same id', () => {
    const fromBase64 = parsePublicKey(pair.publicKey);
    const pem = fromBase64.export({ format: 'pem', type: 'spki' }).toString();
    const fromBase64Url = parsePublicKey(Buffer.from(pair.publicKey, 'base64').toString('base64url'));
    expect(keyIdOf(parsePublicKey(pem))).toBe(pair.kid);
    expect(keyIdOf(fromBase64Url)).toBe(pair.kid);
  });

  it('reads a private key as PEM or raw base64 and both open the same seal', () => {
    const raw = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url').toString('base64');
    const sealed = sealForDelivery(secret, recipient);
    expect(openSealed(sealed, parsePrivateKey(raw))).toBe(secret);
  });

  it.each([
    ['AAAA', /public key has 3 bytes/],
    ['-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----', /PEM cannot be read/],
    ['***', /not valid base64/],
  ])('rejects public key %j with a reason', (text, reason) => {
    expect(() => parsePublicKey(text)).toThrow(KeyringError);
    expect(() => parsePublicKey(text)).toThrow(reason);
  });

  it('rejects a key of another algorithm', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => parsePublicKey(ed)).toThrow('expected an X25519 public key, got ed25519');
  });
});
