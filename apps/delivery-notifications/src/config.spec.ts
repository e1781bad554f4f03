import { createPublicKey } from 'node:crypto';
import { generateDeliveryKeyPair } from '@cardlink/card-crypto';
import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema, deliveryPrivateKey } from './config';

const base = {
  DATABASE_URL: 'postgres://cardlink_delivery:x@127.0.0.1:5432/cardlink',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SHOP_API_URL: 'http://127.0.0.1:4100',
  SHOP_CLIENT_ID: 'cardlink',
  SHOP_CLIENT_SECRET: 'secret',
  CARD_DELIVERY_PRIVATE_KEY: generateDeliveryKeyPair().privateKeyPem,
  PICKUP_LINK_SECRET: 'x'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig('delivery-notifications', configSchema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('delivery-notifications config', () => {
  it('starts with the defaults: 7-day links, one hour for email and SMS, port 3004', () => {
    const config = loadConfig('delivery-notifications', configSchema, base);
    expect(config).toMatchObject({ PORT: 3004, DATABASE_SCHEMA: 'delivery', PICKUP_LINK_TTL_HOURS: 168, DELIVERY_MAX_MESSAGE_AGE_SECONDS: 3600, SMTP_SECURE: false });
  });

  it('reads the delivery key as PEM or as base64 PKCS#8 DER (the local demo key, whose public half card-inventory seals to)', () => {
    const demo = deliveryPrivateKey('MC4CAQAwBQYDK2VuBCIEIGCJ2iwZlvVNEdNcH6Q8uwN0g+B+LtM/Xte8i2NjlsJo');
    const raw = createPublicKey(demo).export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
    expect(raw).toBe('McKFdlgg0yBp9u8q6cD2bxBqNOThLFl+EToeGRj83Tc=');
  });

  it('names each missing or invalid setting without echoing secrets', () => {
    const found = problems({ ...base, CARD_DELIVERY_PRIVATE_KEY: 'bm90IGEga2V5', PICKUP_LINK_SECRET: 'short' });
    expect(found).toEqual([
      'CARD_DELIVERY_PRIVATE_KEY is invalid: the private key has 9 bytes; an X25519 key has 32',
      'PICKUP_LINK_SECRET is invalid: must be at least 32 characters',
    ]);
    expect(problems({ ...base, MERCHANT_WEBHOOK_URL: 'https://merchant.example.com/hook' })).toEqual([
      'MERCHANT_WEBHOOK_SECRET is missing: required when MERCHANT_WEBHOOK_URL is set',
    ]);
  });
});
