import type { SealedSecret } from '@cardlink/contracts';
import { CardVault, fingerprint, sealForDelivery, type DeliveryRecipient, type EncryptedSecret, type Keyring } from '@cardlink/card-crypto';
import { maskSecret } from '@cardlink/observability';
import { decodeCardSecret, encodeCardSecret, fingerprintText, type CardSecret } from './card-secret';

export interface CardSecretKeys {
  keyring: Keyring;
  fingerprintKey: Buffer;
  deliveryRecipient: DeliveryRecipient;
}

/** A card secret as card-inventory stores it: nothing in it can be read without the keys. */
export interface ProtectedCard extends EncryptedSecret {
  fingerprint: Buffer;
  maskedHint: string;
}

/**
 * The only place card-inventory touches plaintext secrets: protecting them on
 * import and sealing them for the delivery service on allocation.
 */
export class CardSecrets {
  private readonly vault: CardVault;

  constructor(private readonly keys: CardSecretKeys) {
    this.vault = new CardVault(keys.keyring);
  }

  protect(cardId: string, secret: CardSecret): ProtectedCard {
    return {
      ...this.vault.encrypt(cardId, encodeCardSecret(secret)),
      fingerprint: fingerprint(fingerprintText(secret), this.keys.fingerprintKey),
      maskedHint: maskSecret(secret.code),
    };
  }

  /** The key id new secrets are encrypted with. */
  get activeKeyId(): string {
    return this.vault.activeKeyId;
  }

  /** Re-encrypts a stored secret under the active key (key rotation); the plaintext stays inside this call. */
  reencrypt(cardId: string, stored: EncryptedSecret): EncryptedSecret {
    return this.vault.reencrypt(cardId, stored);
  }

  reveal(cardId: string, stored: EncryptedSecret): CardSecret {
    return decodeCardSecret(this.vault.decrypt(cardId, stored));
  }

  /** Decrypts in memory and seals at once: the plaintext never leaves this call. */
  sealForDelivery(cardId: string, stored: EncryptedSecret): SealedSecret {
    return sealForDelivery(this.vault.decrypt(cardId, stored), this.keys.deliveryRecipient);
  }
}
