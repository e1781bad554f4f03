import { randomBytes } from 'node:crypto';
import { CardDecryptionError, deliveryRecipient, generateDeliveryKeyPair, parseKeyring } from '@cardlink/card-crypto';
import { withTransaction } from '@cardlink/persistence';
import { Outbox } from '@cardlink/messaging';
import { AllocationService } from '../allocation/allocation.service';
import { CardImportService } from '../import/card-import.service';
import { CardSecrets } from '../secrets/card-secrets';
import { inventoryTestDatabase, type InventoryTestDatabase } from '../testing/inventory-test-database';
import { rotateCardKeys, type RotationProgress } from './key-rotation';

describe('key rotation (real Postgres)', () => {
  let db: InventoryTestDatabase;
  const oldKey = `k1:${randomBytes(32).toString('base64')}`;
  const newKey = `k2:${randomBytes(32).toString('base64')}`;
  const fingerprintKey = randomBytes(32);
  const recipient = deliveryRecipient(generateDeliveryKeyPair().publicKey);
  const secretsWith = (keyring: string) => new CardSecrets({ keyring: parseKeyring(keyring), fingerprintKey, deliveryRecipient: recipient });

  beforeAll(async () => {
    db = await inventoryTestDatabase({ poolSize: 12 });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('re-encrypts every card in small batches under the new key, after which the old key can be removed', async () => {
    const before = secretsWith(oldKey);
    const codes = Array.from({ length: 1234 }, (_, i) => `ROT-${String(i).padStart(5, '0')},pw-${i}`);
    await withTransaction(db.dataSource, (m) => new CardImportService(before).importCards(m, 'rot', codes));

    const during = secretsWith(`${newKey},${oldKey}`);
    const progress: RotationProgress[] = [];
    const result = await rotateCardKeys(db.dataSource, during, { batchSize: 200, onBatch: (p) => progress.push(p) });
    expect(result).toEqual({ activeKeyId: 'k2', reencrypted: 1234, remaining: 0 });
    expect(progress.map((p) => p.remaining)).toEqual([1034, 834, 634, 434, 234, 34, 0]);

    const cards: { id: string; key_id: string; iv: Buffer; ciphertext: Buffer }[] = await db.dataSource.query('SELECT id, key_id, iv, ciphertext FROM cards');
    expect(new Set(cards.map((c) => c.key_id))).toEqual(new Set(['k2']));
    const after = secretsWith(newKey);
    const opened = cards.map((c) => after.reveal(c.id, { keyId: c.key_id, iv: c.iv, ciphertext: c.ciphertext }));
    expect(opened.map((s) => `${s.code},${s.password}`).sort()).toEqual([...codes].sort());
    // The old key alone can no longer read anything: nothing depends on it.
    expect(() => before.reveal(cards[0].id, { keyId: cards[0].key_id, iv: cards[0].iv, ciphertext: cards[0].ciphertext })).toThrow(CardDecryptionError);

    expect(await rotateCardKeys(db.dataSource, during, { batchSize: 200 })).toEqual({ activeKeyId: 'k2', reencrypted: 0, remaining: 0 });
  });

  it('runs beside sales: orders allocated while it rotates get their cards, and every card ends under the new key', async () => {
    const v1 = `v1:${randomBytes(32).toString('base64')}`;
    const v2 = `v2:${randomBytes(32).toString('base64')}`;
    const codes = Array.from({ length: 600 }, (_, i) => `LIVE-${String(i).padStart(4, '0')}`);
    await withTransaction(db.dataSource, (m) => new CardImportService(secretsWith(`${v1},${newKey}`)).importCards(m, 'live', codes));

    const during = secretsWith(`${v2},${v1},${newKey}`);
    const sales = new AllocationService(during, new Outbox('card-inventory'));
    const [rotated, outcomes] = await Promise.all([
      rotateCardKeys(db.dataSource, during, { batchSize: 25 }),
      // Eight sellers, five orders each, all while the rotation runs.
      Promise.all(
        Array.from({ length: 8 }, async (_, seller) => {
          const statuses: string[] = [];
          for (let i = 0; i < 5; i++) {
            const orderId = `live-${seller}-${i}`;
            const outcome = await withTransaction(db.dataSource, (m) => sales.allocate(m, { orderId, lines: [{ lineId: 'l1', productId: 'live', quantity: 2 }] }));
            statuses.push(outcome.status);
          }
          return statuses;
        }),
      ),
    ]);
    expect(outcomes.flat()).toEqual(Array.from({ length: 40 }, () => 'allocated'));
    expect(rotated.remaining).toBe(0);
    const keys: { key_id: string; n: number }[] = await db.dataSource.query('SELECT key_id, count(*)::int AS n FROM cards GROUP BY key_id');
    expect(keys).toEqual([{ key_id: 'v2', n: 1234 + 600 }]);
  });
});
