import { randomBytes } from 'node:crypto';
import { generateDeliveryKeyPair } from '@cardlink/card-crypto';
import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from './config';

const base = { DATABASE_URL: 'postgres://cardlink_inventory:x@127.0.0.1:5432/cardlink', KAFKA_BROKERS: '127.0.0.1:9092' };
const keys = {
  CARD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  CARD_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
  CARD_DELIVERY_PUBLIC_KEY: generateDeliveryKeyPair().publicKey,
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig('card-inventory', configSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('card-inventory configuration', () => {
  it('reads the keyring, the fingerprint key and the delivery key', () => {
    const config = loadConfig('card-inventory', configSchema, { ...base, ...keys });
    expect(config.CARD_ENCRYPTION_KEYS.activeKeyId).toBe('k1');
    expect(config.CARD_FINGERPRINT_KEY).toHaveLength(32);
    expect(config.CARD_DELIVERY_PUBLIC_KEY.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('names each missing key variable', () => {
    expect(problems(base)).toEqual([
      'CARD_ENCRYPTION_KEYS is missing: required, e.g. k1:<base64 of 32 random bytes>[,k0:<older key>]',
      'CARD_FINGERPRINT_KEY is missing: required, e.g. <base64 of at least 32 random bytes>',
      'CARD_DELIVERY_PUBLIC_KEY is missing: required, e.g. <base64 of the 32-byte X25519 public key, or PEM>',
    ]);
  });

  it('names each invalid key variable with the reason, never the value', () => {
    const shortKey = randomBytes(16).toString('base64');
    const found = problems({ ...base, CARD_ENCRYPTION_KEYS: `k1:${shortKey}`, CARD_FINGERPRINT_KEY: shortKey, CARD_DELIVERY_PUBLIC_KEY: 'AAAA' });
    expect(found).toEqual([
      'CARD_ENCRYPTION_KEYS is invalid: key k1 has 16 bytes; AES-256 needs exactly 32',
      'CARD_FINGERPRINT_KEY is invalid: the fingerprint key has 16 bytes; at least 32 are needed',
      'CARD_DELIVERY_PUBLIC_KEY is invalid: the public key has 3 bytes; an X25519 key has 32',
    ]);
    expect(found.join('\n')).not.toContain(shortKey);
  });
});
