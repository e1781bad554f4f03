import { createLogger } from '@cardlink/observability';
import { createServiceDataSource } from '@cardlink/persistence';
import { ConfigError, loadConfig } from '@cardlink/platform';
import { configSchema } from '../config';
import { entities } from '../database';
import { CardSecrets } from '../secrets/card-secrets';
import { rotateCardKeys } from './key-rotation';

/**
 * `node main.js rotate-keys`: re-encrypts every card under the first key of
 * CARD_ENCRYPTION_KEYS, beside the running service. Exits 0 when no card is
 * left under another key (then the old keys can be removed from the keyring).
 */
export async function runRotateKeys(): Promise<number> {
  let config;
  try {
    config = loadConfig('card-inventory', configSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const logger = createLogger({ service: 'card-inventory', level: config.LOG_LEVEL }).child({ component: 'rotate-keys' });
  const secrets = new CardSecrets({
    keyring: config.CARD_ENCRYPTION_KEYS,
    fingerprintKey: config.CARD_FINGERPRINT_KEY,
    deliveryRecipient: config.CARD_DELIVERY_PUBLIC_KEY,
  });
  const dataSource = createServiceDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities, migrations: [], poolSize: 2 });
  await dataSource.initialize();
  try {
    const result = await rotateCardKeys(dataSource, secrets, {
      batchSize: config.KEY_ROTATION_BATCH_SIZE,
      onBatch: (p) => logger.info(p, 'key rotation progress'),
    });
    logger.info(result, `every card is under key ${result.activeKeyId}; older keys can be removed from CARD_ENCRYPTION_KEYS`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
