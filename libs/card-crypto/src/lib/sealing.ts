import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { SealedSecret } from '@cardlink/contracts';
import { decodeBase64Strict, KeyringError } from './keyring';

/** Who a secret is sealed for: the delivery service's X25519 public key and its id. */
export interface DeliveryRecipient {
  kid: string;
  publicKey: KeyObject;
}

/** A sealed secret could not be opened: another recipient, wrong key, or altered data. */
export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

const RAW_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = Buffer.from('cardlink.sealed-secret.v1', 'utf8');

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'X25519' || typeof jwk.x !== 'string') throw new KeyringError('expected an X25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** A short, stable id of a public key, so that a sealed secret names the key that opens it without configuration. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('base64url').slice(0, 16);
}

/** Reads an X25519 public key given as PEM (SPKI) or as base64/base64url of its 32 raw bytes. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      key = createPublicKey(trimmed);
    } catch {
      throw new KeyringError('the public key PEM cannot be read');
    }
  } else {
    const raw = decodeBase64Strict(trimmed, 'the public key');
    if (raw.length !== RAW_KEY_BYTES) throw new KeyringError(`the public key has ${raw.length} bytes; an X25519 key has ${RAW_KEY_BYTES}`);
    key = publicKeyFromRaw(raw);
  }
  if (key.asymmetricKeyType !== 'x25519') throw new KeyringError(`expected an X25519 public key, got ${key.asymmetricKeyType ?? 'another kind'}`);
  return key;
}

/** Reads an X25519 private key given as PEM (PKCS#8) or as base64/base64url of its 32 raw bytes. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      key = createPrivateKey(trimmed);
    } catch {
      throw new KeyringError('the private key PEM cannot be read');
    }
  } else {
    const raw = decodeBase64Strict(trimmed, 'the private key');
    if (raw.length !== RAW_KEY_BYTES) throw new KeyringError(`the private key has ${raw.length} bytes; an X25519 key has ${RAW_KEY_BYTES}`);
    key = createPrivateKey({ key: pkcs8FromRaw(raw), format: 'der', type: 'pkcs8' });
  }
  if (key.asymmetricKeyType !== 'x25519') throw new KeyringError(`expected an X25519 private key, got ${key.asymmetricKeyType ?? 'another kind'}`);
  return key;
}

/** The fixed PKCS#8 prefix of an X25519 private key (RFC 8410), followed by the 32 raw bytes. */
function pkcs8FromRaw(raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]);
}

/** The recipient for a public key given as PEM or base64, with its derived key id. */
export function deliveryRecipient(publicKeyText: string): DeliveryRecipient {
  const publicKey = parsePublicKey(publicKeyText);
  return { kid: keyIdOf(publicKey), publicKey };
}

export interface DeliveryKeyPair {
  kid: string;
  /** base64 of the 32 raw bytes: what CARD_DELIVERY_PUBLIC_KEY takes. */
  publicKey: string;
  /** PKCS#8 PEM, for the delivery service only. */
  privateKeyPem: string;
}

/** A new X25519 key pair for the delivery service. */
export function generateDeliveryKeyPair(): DeliveryKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    kid: keyIdOf(publicKey),
    publicKey: rawPublicKey(publicKey).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** HKDF salt and GCM associated data bind the result to both public keys and the key id. */
function context(kid: string, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${kid}\0`, 'utf8'), ephemeral, recipient]);
}

function contentKey(shared: Buffer, bound: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, bound, HKDF_INFO, 32));
}

/**
 * Seals a secret so that only the holder of the recipient's private key can
 * read it: ECDH between a fresh ephemeral key and the recipient's key, HKDF-SHA256
 * to an AES-256-GCM key, each field base64url.
 */
export function sealForDelivery(secret: string, recipient: DeliveryRecipient): SealedSecret {
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.publicKey });
  const epk = rawPublicKey(ephemeral.publicKey);
  const bound = context(recipient.kid, epk, rawPublicKey(recipient.publicKey));
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', contentKey(shared, bound), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(bound);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return {
    kid: recipient.kid,
    epk: epk.toString('base64url'),
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

function field(sealed: SealedSecret, name: 'epk' | 'iv' | 'ciphertext' | 'tag', bytes?: number): Buffer {
  const value = sealed[name];
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new SealedSecretError(`sealed secret: ${name} is not base64url`);
  const decoded = Buffer.from(value, 'base64url');
  if (bytes !== undefined && decoded.length !== bytes) throw new SealedSecretError(`sealed secret: ${name} must be ${bytes} bytes`);
  return decoded;
}

/** Opens a sealed secret with the recipient's private key. */
export function openSealed(sealed: SealedSecret, privateKey: KeyObject): string {
  const recipientPublic = createPublicKey(privateKey);
  const kid = keyIdOf(recipientPublic);
  if (sealed.kid !== kid) throw new SealedSecretError(`sealed for key ${sealed.kid}, but this is key ${kid}`);
  const epk = field(sealed, 'epk', RAW_KEY_BYTES);
  const iv = field(sealed, 'iv', IV_BYTES);
  const tag = field(sealed, 'tag', TAG_BYTES);
  const ciphertext = field(sealed, 'ciphertext');
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(epk) });
  } catch {
    throw new SealedSecretError('sealed secret: the ephemeral key is not a valid X25519 key');
  }
  const bound = context(sealed.kid, epk, rawPublicKey(recipientPublic));
  const decipher = createDecipheriv('aes-256-gcm', contentKey(shared, bound), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(bound);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError('sealed secret does not authenticate (wrong key or altered data)');
  }
}
