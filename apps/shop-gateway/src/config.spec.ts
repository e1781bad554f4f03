import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from './config';
import { fakeAlipay } from './payment-callbacks/alipay.fixture';

const PROVIDER_SECRET = 'simulator-provider-secret-0123456789abcdef';
const base = { DATABASE_URL: 'postgres://cardlink_gateway@127.0.0.1:5432/cardlink', KAFKA_BROKERS: '127.0.0.1:9092', PAYMENT_PROVIDER_SECRET: PROVIDER_SECRET };
const SECRET_A = 'whsec_pXiPSm2QisH0b36Sy3f0hbO3Eayspa0ptO9xJ3dfWRY=';
const SECRET_B = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function problemsWith(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig('shop-gateway', configSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('shop-gateway configuration', () => {
  it('reads one or several space-separated shop webhook secrets', () => {
    expect(loadConfig('shop-gateway', configSchema, { ...base, SHOP_WEBHOOK_SECRET: SECRET_A }).SHOP_WEBHOOK_SECRET).toEqual([SECRET_A]);
    expect(loadConfig('shop-gateway', configSchema, { ...base, SHOP_WEBHOOK_SECRET: ` ${SECRET_A}  ${SECRET_B} ` }).SHOP_WEBHOOK_SECRET).toEqual([SECRET_A, SECRET_B]);
  });

  it('has no built-in secret: a missing one stops the start with a clear message', () => {
    expect(problemsWith(base)).toEqual(['SHOP_WEBHOOK_SECRET is missing: required: the whsec_… signing secret(s) of the shop, space-separated during a rotation']);
  });

  it('enables the simulator payment provider only with a secret of at least 32 characters', () => {
    const withoutProviderSecret = { DATABASE_URL: base.DATABASE_URL, KAFKA_BROKERS: base.KAFKA_BROKERS };
    expect(loadConfig('shop-gateway', configSchema, { ...withoutProviderSecret, SHOP_WEBHOOK_SECRET: SECRET_A }).PAYMENT_PROVIDER_SECRET).toBeUndefined();
    expect(problemsWith({ ...base, SHOP_WEBHOOK_SECRET: SECRET_A, PAYMENT_PROVIDER_SECRET: 'short' })).toEqual([
      'PAYMENT_PROVIDER_SECRET is invalid: at least 32 characters',
    ]);
  });

  it.each([
    ['', 'at least one whsec_… secret'],
    ['pXiPSm2QisH0b36Sy3f0hbO3Eayspa0ptO9xJ3dfWRY=', 'each secret must look like whsec_<base64>'],
    ['whsec_c2hvcnQ=', 'each secret must decode to 24–64 bytes'],
  ])('refuses SHOP_WEBHOOK_SECRET=%j: %s', (value, message) => {
    expect(problemsWith({ ...base, SHOP_WEBHOOK_SECRET: value })).toEqual([`SHOP_WEBHOOK_SECRET is invalid: ${message}`]);
  });

  it('keeps receipts at least 3 days, 7 by default', () => {
    expect(loadConfig('shop-gateway', configSchema, { ...base, SHOP_WEBHOOK_SECRET: SECRET_A }).RECEIPT_RETENTION_DAYS).toBe(7);
    expect(problemsWith({ ...base, SHOP_WEBHOOK_SECRET: SECRET_A, RECEIPT_RETENTION_DAYS: '1' })).toEqual([
      'RECEIPT_RETENTION_DAYS is invalid: at least 3 days: senders retry for up to 3 days',
    ]);
  });

  it('enables Alipay only with both its application id and a usable public key', () => {
    const withShop = { ...base, SHOP_WEBHOOK_SECRET: SECRET_A };
    const { publicKeyBase64 } = fakeAlipay();
    expect(loadConfig('shop-gateway', configSchema, { ...withShop, ALIPAY_APP_ID: '2021000123456789', ALIPAY_PUBLIC_KEY: publicKeyBase64 })).toMatchObject({
      ALIPAY_APP_ID: '2021000123456789',
    });
    expect(problemsWith({ ...withShop, ALIPAY_APP_ID: '2021000123456789' })).toEqual([
      'ALIPAY_PUBLIC_KEY is missing: required as well: ALIPAY_APP_ID and ALIPAY_PUBLIC_KEY go together',
    ]);
    expect(problemsWith({ ...withShop, ALIPAY_APP_ID: '2021000123456789', ALIPAY_PUBLIC_KEY: 'MIIBIjANBgkq' })).toEqual([
      "ALIPAY_PUBLIC_KEY is invalid: expected Alipay's RSA public key (base64 or PEM)",
    ]);
    expect(problemsWith({ ...withShop, ALIPAY_APP_ID: 'my-app', ALIPAY_PUBLIC_KEY: publicKeyBase64 })).toEqual([
      'ALIPAY_APP_ID is invalid: expected the numeric Alipay application id',
    ]);
  });
});
