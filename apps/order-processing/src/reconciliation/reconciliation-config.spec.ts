import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from '../config';

const required = {
  DATABASE_URL: 'postgres://cardlink_orders@127.0.0.1:5432/cardlink',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SHOP_API_URL: 'http://127.0.0.1:4100',
  SHOP_CLIENT_ID: 'cardlink',
  SHOP_CLIENT_SECRET: 'secret',
};

describe('reconciliation settings', () => {
  it('reconciles yesterday from 02:00 UTC, 100 orders a page, a one-hour delivery deadline', () => {
    expect(loadConfig('order-processing', configSchema, required)).toMatchObject({
      RECONCILIATION_DAILY_AT: '02:00',
      RECONCILIATION_PAGE_SIZE: 100,
      RECONCILIATION_DELIVERY_DEADLINE_MS: 3_600_000,
      RECONCILIATION_REFUND_LOOKAHEAD_DAYS: 3,
    });
    expect(loadConfig('order-processing', configSchema, { ...required, RECONCILIATION_DAILY_AT: 'off' }).RECONCILIATION_DAILY_AT).toBe('off');
  });

  it('names each invalid setting', () => {
    let problems: string[] = [];
    try {
      loadConfig('order-processing', configSchema, { ...required, RECONCILIATION_DAILY_AT: '25:00', RECONCILIATION_PAGE_SIZE: '600', RECONCILIATION_DELIVERY_DEADLINE_MS: '10' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^RECONCILIATION_DAILY_AT .*expected HH:MM \(UTC, 24-hour\) or off/),
      expect.stringMatching(/^RECONCILIATION_PAGE_SIZE .*at most 500/),
      expect.stringMatching(/^RECONCILIATION_DELIVERY_DEADLINE_MS .*at least 1000 ms/),
    ]);
  });
});
