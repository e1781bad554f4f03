import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from './config';

const required = {
  DATABASE_URL: 'postgres://cardlink_orders@127.0.0.1:5432/cardlink',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SHOP_API_URL: 'http://127.0.0.1:4100',
  SHOP_CLIENT_ID: 'cardlink',
  SHOP_CLIENT_SECRET: 'secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig('order-processing', configSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('order-processing configuration', () => {
  it('refunds backorders after 30 minutes unless told otherwise', () => {
    const config = loadConfig('order-processing', configSchema, required);
    expect(config).toMatchObject({ OUT_OF_STOCK_REFUND_AFTER_MS: 1_800_000, OUT_OF_STOCK_SWEEP_INTERVAL_MS: 60_000, REFUND_RETRY_MAX_MS: 600_000, PORT: 3001 });
  });

  it('names the shop settings it cannot run without', () => {
    expect(problemsOf({ DATABASE_URL: required.DATABASE_URL, KAFKA_BROKERS: required.KAFKA_BROKERS })).toEqual([
      'SHOP_API_URL is missing: required: the shop API base URL, e.g. http://127.0.0.1:4100',
      'SHOP_CLIENT_ID is missing: required: the OAuth2 client id the shop issued to us',
      'SHOP_CLIENT_SECRET is missing: required: the OAuth2 client secret the shop issued to us',
    ]);
  });

  it('refuses durations that are not milliseconds, and a retry cap below the base', () => {
    expect(problemsOf({ ...required, OUT_OF_STOCK_REFUND_AFTER_MS: '30min' })).toEqual([
      'OUT_OF_STOCK_REFUND_AFTER_MS is invalid: expected milliseconds (how long a backorder may wait before its refund)',
    ]);
    expect(problemsOf({ ...required, REFUND_RETRY_BASE_MS: '5000', REFUND_RETRY_MAX_MS: '100' })).toEqual(['REFUND_RETRY_MAX_MS is invalid: must not be below REFUND_RETRY_BASE_MS']);
  });
});
