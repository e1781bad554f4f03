import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

/** A card secret as stored: the GCM tag is appended to the ciphertext. */
export interface EncryptedSecret {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
}

/** Decryption failed: wrong key, wrong card, or the stored bytes were changed. */
export class CardDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardDecryptionError';
  }
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Binds a ciphertext to its card and key: a row copied onto another card, or
 * relabelled with another key id, fails authentication instead of decrypting.
 */
function associatedData(keyId: string, cardId: string): Buffer {
  return Buffer.from(`cardlink.card-secret.v1\0${keyId}\0${cardId}`, 'utf8');
}

/** Encrypts card secrets at rest with AES-256-GCM under the keyring's active key. */
export class CardVault {
  constructor(private readonly keyring: Keyring) {}

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  encrypt(cardId: string, secret: string): EncryptedSecret {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key(keyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(keyId, cardId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { keyId, iv, ciphertext };
  }

  decrypt(cardId: string, stored: EncryptedSecret): string {
    const key = this.key(stored.keyId);
    if (stored.iv.length !== IV_BYTES) throw new CardDecryptionError(`card ${cardId}: IV must be ${IV_BYTES} bytes`);
    if (stored.ciphertext.length < TAG_BYTES) throw new CardDecryptionError(`card ${cardId}: ciphertext is too short`);
    const body = stored.ciphertext.subarray(0, stored.ciphertext.length - TAG_BYTES);
    const tag = stored.ciphertext.subarray(stored.ciphertext.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, stored.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(stored.keyId, cardId));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new CardDecryptionError(`card ${cardId}: the secret does not authenticate (wrong key or card, or altered data)`);
    }
  }

  /** Re-encrypts under the active key; what a key rotation does to every card. */
  reencrypt(cardId: string, stored: EncryptedSecret): EncryptedSecret {
    return this.encrypt(cardId, this.decrypt(cardId, stored));
  }

  private key(keyId: string): Buffer {
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new CardDecryptionError(`key ${keyId} is not in the keyring`);
    return key;
  }
}
