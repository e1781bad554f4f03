import { z } from 'zod';
import { ConfigError, loadConfig, platformEnvSchema } from './config';

const valid = {
  PORT: '3003',
  DATABASE_URL: 'postgres://cardlink_inventory:pw@127.0.0.1:5432/cardlink',
  DATABASE_SCHEMA: 'inventory',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
};

describe('loadConfig', () => {
  it('parses a valid environment and fills defaults', () => {
    const config = loadConfig('card-inventory', platformEnvSchema, valid);
    expect(config.PORT).toBe(3003);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9092']);
    expect(config.DATABASE_POOL_SIZE).toBe(10);
    expect(config.DATABASE_MIGRATE_ON_START).toBe(false);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names every missing and every invalid variable in one error', () => {
    const attempt = () => loadConfig('card-inventory', platformEnvSchema, { PORT: 'seventy', DATABASE_SCHEMA: 'Inventory!' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('card-inventory: invalid configuration');
      expect(message).toMatch(/PORT is invalid/);
      expect(message).toMatch(/DATABASE_URL is missing/);
      expect(message).toMatch(/KAFKA_BROKERS is missing/);
      expect(message).toMatch(/DATABASE_SCHEMA is invalid: expected a lower-case schema name/);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('rejects a broker list without ports and a non-boolean flag', () => {
    expect(() => loadConfig('x', platformEnvSchema, { ...valid, KAFKA_BROKERS: 'kafka' })).toThrow(/KAFKA_BROKERS is invalid: expected host:port/);
    expect(() => loadConfig('x', platformEnvSchema, { ...valid, DATABASE_MIGRATE_ON_START: 'maybe' })).toThrow(
      /DATABASE_MIGRATE_ON_START is invalid: expected true or false/,
    );
  });

  it('reads admin API credentials and names a bad entry', () => {
    const hash = 'a'.repeat(64);
    expect(loadConfig('x', platformEnvSchema, valid).API_CREDENTIALS.size).toBe(0);
    const config = loadConfig('x', platformEnvSchema, { ...valid, API_CREDENTIALS: `alice:orders:read:${hash}` });
    expect(config.API_CREDENTIALS.get(hash)).toEqual({ name: 'alice', scopes: new Set(['orders:read']) });
    expect(() => loadConfig('x', platformEnvSchema, { ...valid, API_CREDENTIALS: 'alice:orders:read:clk_raw_token' })).toThrow(
      'API_CREDENTIALS is invalid: entry 1 (alice) should end in the 64-hex-digit SHA-256 of the token, not the token itself',
    );
  });

  it('validates a service schema that extends the platform one', () => {
    const schema = platformEnvSchema.extend({ CARD_KEYS: z.string().min(10, 'at least one key') });
    expect(() => loadConfig('card-inventory', schema, valid)).toThrow(/CARD_KEYS is missing/);
  });
});
