import { z } from 'zod';
import { decodeBase64Strict, deliveryRecipient, KeyringError, parseKeyring } from '@cardlink/card-crypto';
import { serviceEnvSchema } from '@cardlink/platform';

/** Runs a key parser inside zod so a bad value becomes a config problem naming its variable (never its value). */
function parsedWith<T>(parse: (text: string) => T, example: string) {
  return z.string({ message: `required, e.g. ${example}` }).transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof KeyringError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });
}

function fingerprintKey(text: string): Buffer {
  const key = decodeBase64Strict(text, 'the fingerprint key');
  if (key.length < 32) throw new KeyringError(`the fingerprint key has ${key.length} bytes; at least 32 are needed`);
  return key;
}

/** Every setting of card-inventory, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3003, schema: 'inventory' }).extend({
  /** Keys that encrypt card secrets at rest; the first is active (see libs/card-crypto). */
  CARD_ENCRYPTION_KEYS: parsedWith((text) => parseKeyring(text), 'k1:<base64 of 32 random bytes>[,k0:<older key>]'),
  /** HMAC key of the duplicate-detecting fingerprint; changing it makes old fingerprints useless. */
  CARD_FINGERPRINT_KEY: parsedWith(fingerprintKey, '<base64 of at least 32 random bytes>'),
  /** The delivery service's X25519 public key: secrets travel sealed to it. */
  CARD_DELIVERY_PUBLIC_KEY: parsedWith(deliveryRecipient, '<base64 of the 32-byte X25519 public key, or PEM>'),
  /** How often waiting orders are retried even without an import nudging them. */
  BACKORDER_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(50).max(600_000).default(5_000),
  /** How often changed stock is published: every change within one interval becomes one event per product. */
  STOCK_PUBLISH_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(50).max(600_000).default(1_000),
  /** The stock reported for a reusable pool without a cap that has at least one card (its sales are unlimited). */
  REUSABLE_UNCAPPED_STOCK: z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(1_000_000).default(9_999),
  /** Cards re-encrypted per transaction by `rotate-keys`; small, so allocations barely notice. */
  KEY_ROTATION_BATCH_SIZE: z.coerce.number({ message: 'expected a whole number' }).int().min(1).max(10_000).default(200),
});

export type InventoryConfig = z.infer<typeof configSchema>;
