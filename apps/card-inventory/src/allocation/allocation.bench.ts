/**
 * Allocations per second for one hot product with 16 concurrent allocators:
 * FOR UPDATE SKIP LOCKED (what the service runs) beside plain FOR UPDATE, in
 * the same run, against the real Postgres of the local stack.
 *
 *   npx tsx --tsconfig tsconfig.base.json apps/card-inventory/src/allocation/allocation.bench.ts
 *
 * Each allocation is the service's whole transaction: claim the order, lock and
 * take a card, record it, seal the secret for delivery, write the outbox row.
 */
import { Outbox } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { CardImportService } from '../import/card-import.service';
import { inventoryTestDatabase, testCardSecrets } from '../testing/inventory-test-database';
import { AllocationService, type CardLocking } from './allocation.service';

const ALLOCATORS = 16;
const ORDERS_PER_ROUND = Number(process.env['BENCH_ORDERS'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);

async function main(): Promise<void> {
  const db = await inventoryTestDatabase({ poolSize: ALLOCATORS + 2 });
  const { secrets } = testCardSecrets();
  const imports = new CardImportService(secrets);
  try {
    const results: Record<CardLocking, number[]> = { 'skip-locked': [], wait: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which mode goes first so neither always runs on a warmer cache.
      const modes: CardLocking[] = round % 2 === 0 ? ['skip-locked', 'wait'] : ['wait', 'skip-locked'];
      for (const locking of modes) {
        const productId = `hot-${locking}-${round}`;
        const lines = Array.from({ length: ORDERS_PER_ROUND }, (_, i) => `${productId}-CARD-${String(i).padStart(6, '0')}`);
        await withTransaction(db.dataSource, (m) => imports.importCards(m, productId, lines));
        await db.dataSource.query('VACUUM ANALYZE cards');

        const service = new AllocationService(secrets, new Outbox('card-inventory'));
        service.locking = locking;
        let next = 0;
        let allocated = 0;
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: ALLOCATORS }, async () => {
            for (let i = next++; i < ORDERS_PER_ROUND; i = next++) {
              const outcome = await withTransaction(db.dataSource, (m) =>
                service.allocate(m, { orderId: `${productId}-order-${i}`, lines: [{ lineId: 'l1', productId, quantity: 1 }] }),
              );
              if (outcome.status === 'allocated') allocated += 1;
            }
          }),
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const [{ distinct, rows }] = await db.dataSource.query(
          'SELECT count(DISTINCT card_id)::int AS distinct, count(*)::int AS rows FROM card_allocations WHERE product_id = $1',
          [productId],
        );
        if (allocated !== ORDERS_PER_ROUND || distinct !== rows || rows !== ORDERS_PER_ROUND) {
          throw new Error(`${locking}: ${allocated} allocated, ${rows} rows, ${distinct} distinct cards; expected ${ORDERS_PER_ROUND} of each`);
        }
        const rate = ORDERS_PER_ROUND / seconds;
        results[locking].push(rate);
        console.log(`round ${round + 1} ${locking.padEnd(11)} ${ORDERS_PER_ROUND} orders in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} allocations/s`);
      }
    }
    const best = (mode: CardLocking) => Math.max(...results[mode]);
    const mean = (mode: CardLocking) => results[mode].reduce((a, b) => a + b, 0) / results[mode].length;
    console.log(`\n${ALLOCATORS} concurrent allocators, one hot product, ${ORDERS_PER_ROUND} orders of 1 card per round, ${ROUNDS} rounds`);
    console.log(`FOR UPDATE SKIP LOCKED: mean ${mean('skip-locked').toFixed(0)} allocations/s (best ${best('skip-locked').toFixed(0)})`);
    console.log(`plain FOR UPDATE:       mean ${mean('wait').toFixed(0)} allocations/s (best ${best('wait').toFixed(0)})`);
    console.log(`ratio SKIP LOCKED / FOR UPDATE: ${(mean('skip-locked') / mean('wait')).toFixed(2)}x`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
