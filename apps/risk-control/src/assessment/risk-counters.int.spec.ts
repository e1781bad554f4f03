import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { withTransaction } from '@cardlink/persistence';
import { migratedTables, type MigratedTables } from '@cardlink/platform/testing';
import { entities, migrations } from '../database';
import { CounterBook, PaidOrderFacts } from './counter-book';
import { RiskCounters } from './risk-counters';

interface GoldenOrder extends Omit<PaidOrderFacts, 'paidAt'> {
  paidAt: string;
}
const golden = JSON.parse(readFileSync(join(__dirname, 'golden', 'assessments.golden.json'), 'utf8')) as {
  scenarios: { name: string; orders: { order: GoldenOrder }[] }[];
};

const order = (orderId: string, buyerId: string, amount: number, paidAt: number): PaidOrderFacts => ({
  orderId,
  buyerId,
  amount,
  currency: 'CNY',
  lines: [{ productId: 'game-card', quantity: 1, unitPrice: amount }],
  paidAt: new Date(paidAt),
});

describe('RiskCounters in Postgres', () => {
  let tables: MigratedTables;
  let dataSource: DataSource;
  const counters = new RiskCounters('counter-key-for-the-counter-tests-0001');
  const observe = (facts: PaidOrderFacts) => withTransaction(dataSource, (manager) => counters.observe(manager, facts));

  beforeAll(async () => {
    tables = await migratedTables({ role: 'cardlink_risk', prefix: 'riskcounters', entities, migrations, poolSize: 8 });
    dataSource = tables.dataSource;
  }, 60_000);

  afterAll(async () => {
    await tables?.drop();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE counter_keys, amount_buckets, amount_bucket_buyers');
  });

  it.each(golden.scenarios.map((s) => [s.name, s] as const))(
    'gives the same features as the in-memory counters of the golden scenario: %s',
    async (_name, scenario) => {
      const book = new CounterBook();
      for (const { order: raw } of scenario.orders) {
        const facts: PaidOrderFacts = { ...raw, paidAt: new Date(raw.paidAt) };
        expect(await observe(facts)).toEqual(book.observe(facts));
      }
    },
  );

  it('stores no identifier in the clear', async () => {
    await observe({ ...order('o-1', 'buyer-secret-id', 9900, Date.UTC(2026, 10, 27, 12)), ip: '203.0.113.99', paymentAccount: 'alipay:someone@example.com' });
    const dump = JSON.stringify([
      await dataSource.query('SELECT * FROM counter_keys'),
      await dataSource.query('SELECT * FROM amount_bucket_buyers'),
    ]);
    expect(dump).not.toMatch(/buyer-secret-id|203\.0\.113\.99|someone@example\.com/);
  });

  it('counts concurrent orders of one buyer one after the other: each sees all before it', async () => {
    const at = Date.UTC(2026, 10, 27, 12);
    const seen = await Promise.all(
      Array.from({ length: 12 }, (_, i) => observe(order(`same-buyer-${i}`, 'busy-buyer', 1000 + i, at + i * 100))),
    );
    expect(seen.map((f) => f.counters.velocity.buyerId?.['1h'].count).sort((a = 0, b = 0) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(seen.filter((f) => f.isNewBuyer)).toHaveLength(1);
  });

  it('counts concurrent orders of one amount from different buyers without losing any', async () => {
    const at = Date.UTC(2026, 10, 27, 12);
    const seen = await Promise.all(Array.from({ length: 12 }, (_, i) => observe(order(`same-amount-${i}`, `buyer-${i}`, 9900, at + i * 100))));
    expect(seen.map((f) => f.counters.identicalAmount.shop['1m'].count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Math.max(...seen.map((f) => f.counters.identicalAmount.shop['1m'].distinct))).toBe(12);
  });
});
