import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from './config';

const base = { DATABASE_URL: 'postgres://cardlink_risk:x@127.0.0.1:5432/cardlink', KAFKA_BROKERS: '127.0.0.1:9092' };
const key = { RISK_COUNTER_KEY: 'QGT62PtXM4gmvD3etZTyrwLu+vnOKXKZBqSoI7e2X+o=' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig('risk-control', configSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('risk-control configuration', () => {
  it('rejects overdue reviews after 4 hours unless told otherwise', () => {
    const config = loadConfig('risk-control', configSchema, { ...base, ...key });
    expect(config).toMatchObject({ RISK_REVIEW_TIMEOUT_MS: 14_400_000, RISK_REVIEW_TIMEOUT_DECISION: 'reject', DATABASE_SCHEMA: 'risk', PORT: 3002 });
  });

  it('takes the timeout and its decision from the environment', () => {
    const config = loadConfig('risk-control', configSchema, { ...base, ...key, RISK_REVIEW_TIMEOUT_MS: '600000', RISK_REVIEW_TIMEOUT_DECISION: 'approve' });
    expect(config).toMatchObject({ RISK_REVIEW_TIMEOUT_MS: 600_000, RISK_REVIEW_TIMEOUT_DECISION: 'approve' });
  });

  it('names a missing counter key and every invalid setting at once', () => {
    expect(problems({ ...base, RISK_REVIEW_TIMEOUT_DECISION: 'review', RISK_REVIEW_TIMEOUT_MS: 'soon' })).toEqual([
      'RISK_COUNTER_KEY is missing: required: at least 32 random characters, e.g. the base64 of 32 random bytes',
      'RISK_REVIEW_TIMEOUT_MS is invalid: expected a number of milliseconds',
      'RISK_REVIEW_TIMEOUT_DECISION is invalid: expected reject or approve',
    ]);
    expect(problems({ ...base, RISK_COUNTER_KEY: 'short' })).toEqual(['RISK_COUNTER_KEY is invalid: at least 32 characters (e.g. the base64 of 32 random bytes)']);
  });
});
