import { randomBytes, type KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { deliveryRecipient, generateDeliveryKeyPair, parseKeyring, parsePrivateKey } from '@cardlink/card-crypto';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '@cardlink/messaging';
import { createServiceDataSource, createTestSchema, runMigrations, type TestSchema } from '@cardlink/persistence';
import { entities, migrations } from '../database';
import { CardSecrets } from '../secrets/card-secrets';

/** Keys made for one test run, and the delivery service's private key to open what was sealed. */
export function testCardSecrets(): { secrets: CardSecrets; deliveryPrivateKey: KeyObject } {
  const pair = generateDeliveryKeyPair();
  const secrets = new CardSecrets({
    keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
    fingerprintKey: randomBytes(32),
    deliveryRecipient: deliveryRecipient(pair.publicKey),
  });
  return { secrets, deliveryPrivateKey: parsePrivateKey(pair.privateKeyPem) };
}

export interface InventoryTestDatabase {
  schema: TestSchema;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A throwaway `inventory` schema with every migration applied, owned by cardlink_inventory. */
export async function inventoryTestDatabase(opts: { poolSize?: number } = {}): Promise<InventoryTestDatabase> {
  const schema = await createTestSchema({ role: 'cardlink_inventory', prefix: 'inventory' });
  const dataSource = createServiceDataSource({
    url: schema.url,
    schema: schema.schema,
    entities: [...MESSAGING_ENTITIES, ...entities],
    migrations: [...MESSAGING_MIGRATIONS, ...migrations],
    poolSize: opts.poolSize ?? 5,
  });
  await runMigrations(dataSource);
  return {
    schema,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await schema.drop();
    },
  };
}
