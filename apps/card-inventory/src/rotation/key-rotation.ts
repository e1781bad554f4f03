import type { DataSource } from 'typeorm';
import { withTransaction } from '@cardlink/persistence';
import { queryRows } from '../rows';
import type { CardSecrets } from '../secrets/card-secrets';

export interface RotationProgress {
  activeKeyId: string;
  reencrypted: number;
  /** Cards still under another key; 0 means the old keys can be removed. */
  remaining: number;
}

/**
 * Re-encrypts every card that is not under the active key, a small batch per
 * transaction, while the service keeps running: rows an allocation holds are
 * skipped and taken in a later batch, so no sale waits for the rotation.
 */
export async function rotateCardKeys(
  dataSource: DataSource,
  secrets: CardSecrets,
  opts: { batchSize: number; onBatch?: (progress: RotationProgress) => void; pauseMs?: number },
): Promise<RotationProgress> {
  const activeKeyId = secrets.activeKeyId;
  let reencrypted = 0;
  for (;;) {
    const done = await withTransaction(dataSource, async (manager) => {
      const cards = await queryRows<{ id: string; ciphertext: Buffer; iv: Buffer; key_id: string }>(
        manager,
        'SELECT id, ciphertext, iv, key_id FROM cards WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED',
        [activeKeyId, opts.batchSize],
      );
      if (cards.length === 0) return 0;
      const rotated = cards.map((c) => ({ id: c.id, ...secrets.reencrypt(c.id, { keyId: c.key_id, iv: c.iv, ciphertext: c.ciphertext }) }));
      await manager.query(
        `UPDATE cards c SET ciphertext = t.ciphertext, iv = t.iv, key_id = t.key_id
         FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::text[]) AS t(id, ciphertext, iv, key_id) WHERE c.id = t.id`,
        [rotated.map((r) => r.id), rotated.map((r) => r.ciphertext), rotated.map((r) => r.iv), rotated.map((r) => r.keyId)],
      );
      return cards.length;
    });
    reencrypted += done;
    const [{ remaining }] = await dataSource.query<{ remaining: number }[]>('SELECT count(*)::int AS remaining FROM cards WHERE key_id <> $1', [activeKeyId]);
    opts.onBatch?.({ activeKeyId, reencrypted, remaining });
    if (remaining === 0) return { activeKeyId, reencrypted, remaining };
    // Nothing rotated but rows remain: all of them are locked by sales right now; try again shortly.
    if (done === 0 || opts.pauseMs) await new Promise((r) => setTimeout(r, done === 0 ? 200 : opts.pauseMs));
  }
}
