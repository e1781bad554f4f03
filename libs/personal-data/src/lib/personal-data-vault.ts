import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Keyring } from '@cardlink/card-crypto';
import { type ContactKind, normaliseContact } from './contact';

/** A sealed value could not be opened: wrong or missing key, or the stored text was changed. */
export class PersonalDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersonalDataError';
  }
}

const SEALED_PREFIX = 'pd1.';
const MATCH_PREFIX = 'hm1.';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MATCH_KEY_MIN_BYTES = 32;

/**
 * Protects buyer contacts at rest. `seal` encrypts what must be read back (an
 * address a card is sent to) with AES-256-GCM under the keyring's active key;
 * `matchKey` is a keyed HMAC-SHA256 of the normalised value for what only needs
 * comparing (list entries, erasure look-ups), so a leaked table cannot be
 * confirmed against guessed addresses without the key as well.
 *
 * Without keys the vault is unprotected (local development and older test
 * set-ups): seal and open pass values through and match keys are the
 * normalised values themselves. Services say so loudly at start-up.
 */
export class PersonalDataVault {
  private constructor(
    private readonly keyring: Keyring | undefined,
    private readonly hmacKey: Buffer | undefined,
  ) {}

  static protecting(keyring: Keyring, hmacKey: Buffer): PersonalDataVault {
    if (hmacKey.length < MATCH_KEY_MIN_BYTES) throw new RangeError(`the match key must have at least ${MATCH_KEY_MIN_BYTES} bytes`);
    return new PersonalDataVault(keyring, hmacKey);
  }

  static unprotected(): PersonalDataVault {
    return new PersonalDataVault(undefined, undefined);
  }

  get isProtected(): boolean {
    return this.keyring !== undefined;
  }

  /**
   * Encrypts one value; `purpose` (e.g. `delivery.buyer_orders.email`) is GCM
   * associated data, so a value copied into another column does not open there.
   */
  seal(value: string, purpose: string): string {
    if (!this.keyring) return value;
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key(keyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(keyId, purpose));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${keyId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Opens a sealed value; a value stored before protection was switched on is returned as it is. */
  open(stored: string, purpose: string): string {
    if (!isSealed(stored)) return stored;
    const [keyId, ivText, bodyText] = stored.slice(SEALED_PREFIX.length).split('.');
    if (!keyId || !ivText || !bodyText) throw new PersonalDataError(`a sealed ${purpose} value is malformed`);
    const iv = Buffer.from(ivText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new PersonalDataError(`a sealed ${purpose} value is malformed`);
    const decipher = createDecipheriv(ALGORITHM, this.key(keyId), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, purpose));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new PersonalDataError(`a sealed ${purpose} value does not authenticate (wrong key or column, or altered data)`);
    }
  }

  sealOptional(value: string | null | undefined, purpose: string): string | null {
    return value === null || value === undefined ? null : this.seal(value, purpose);
  }

  openOptional(stored: string | null | undefined, purpose: string): string | null {
    return stored === null || stored === undefined ? null : this.open(stored, purpose);
  }

  /**
   * What stands for a contact where it only has to be compared: the same
   * contact (after normalisation) gives the same key in every service that
   * shares PERSONAL_DATA_MATCH_KEY. Undefined when nothing comparable is left.
   */
  matchKey(kind: ContactKind, value: string): string | undefined {
    const normal = normaliseContact(kind, value);
    if (normal === undefined) return undefined;
    if (!this.hmacKey) return normal;
    return MATCH_PREFIX + createHmac('sha256', this.hmacKey).update(`${kind}\0${normal}`, 'utf8').digest('base64url');
  }

  private key(keyId: string): Buffer {
    const key = this.keyring?.keys.get(keyId);
    if (!key) throw new PersonalDataError(`personal data key ${keyId} is not in PERSONAL_DATA_KEYS`);
    return key;
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

function associatedData(keyId: string, purpose: string): Buffer {
  return Buffer.from(`cardlink.personal-data.v1\0${keyId}\0${purpose}`, 'utf8');
}
