import type { DataSource } from 'typeorm';
import { withTransaction } from '@cardlink/persistence';
import { migratedTables, type MigratedTables } from '@cardlink/platform/testing';
import { entities, migrations } from '../database';
import { StockLedger } from './stock-ledger';

type Arrival = 'sale' | 'link' | 'count';

function permutations(items: readonly Arrival[]): Arrival[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

describe('StockLedger in Postgres: a sold line leaves the in-flight figure once a count names its order', () => {
  let tables: MigratedTables;
  let dataSource: DataSource;
  let sequence = 0;
  const inTransaction = <T>(work: (ledger: StockLedger) => Promise<T>) =>
    withTransaction(dataSource, (manager) => work(new StockLedger(manager, { allocatedTtlMs: 3_600_000 })));

  beforeAll(async () => {
    tables = await migratedTables({ role: 'cardlink_catalog', prefix: 'stockledger', entities, migrations });
    dataSource = tables.dataSource;
  }, 60_000);

  afterAll(async () => {
    await tables?.drop();
  });

  it.each(permutations(['sale', 'link', 'count']).map((order) => [order.join(' → '), order] as const))(
    'in the order %s: counted out of the figure and settled, so later reads no longer look at it',
    async (_name, arrivals) => {
      const productId = `p-${arrivals.join('-')}`;
      const shopOrderId = `SO-${productId}`;
      const orderId = `order-${productId}`;
      await dataSource.query(`INSERT INTO shop_listings (product_id, listing_id, believed_stock) VALUES ($1, $2, 10)`, [productId, `L-${productId}`]);
      const inFlightRows = async () =>
        (await dataSource.query(`SELECT settled_at FROM in_flight_orders WHERE shop_order_id = $1`, [shopOrderId])) as { settled_at: Date | null }[];

      for (const [i, arrival] of arrivals.entries()) {
        await inTransaction(async (ledger) => {
          switch (arrival) {
            case 'sale':
              return ledger.recordSale(shopOrderId, [{ productId, quantity: 2 }]);
            case 'link':
              return ledger.linkOrder(shopOrderId, orderId);
            case 'count':
              return ledger.recordCount({ productId, available: 8, sequence: ++sequence, at: new Date().toISOString(), countedOrderIds: [orderId] });
          }
        });
        const figures = await inTransaction((ledger) => ledger.figures(productId));
        const soldYet = arrivals.slice(0, i + 1).includes('sale');
        const last = i === arrivals.length - 1;
        expect(figures.inFlight).toBe(soldYet && !last ? 2 : 0);
        const rows = await inFlightRows();
        expect(rows).toHaveLength(soldYet ? 1 : 0);
        if (soldYet) expect(rows[0]?.settled_at === null).toBe(!last);
      }
    },
  );

  it('keeps a sold line in flight while no count names its order, and a later count of other orders changes nothing', async () => {
    const productId = 'p-uncounted';
    await dataSource.query(`INSERT INTO shop_listings (product_id, listing_id, believed_stock) VALUES ($1, $2, 10)`, [productId, `L-${productId}`]);
    await inTransaction(async (ledger) => {
      await ledger.recordSale('SO-uncounted', [{ productId, quantity: 3 }]);
      await ledger.linkOrder('SO-uncounted', 'order-uncounted');
      await ledger.recordCount({ productId, available: 7, sequence: ++sequence, at: new Date().toISOString(), countedOrderIds: ['order-someone-else'] });
    });
    expect(await inTransaction((ledger) => ledger.figures(productId))).toEqual({ available: 7, inFlight: 3 });
    const [row] = (await dataSource.query(`SELECT settled_at FROM in_flight_orders WHERE shop_order_id = 'SO-uncounted'`)) as { settled_at: Date | null }[];
    expect(row?.settled_at).toBeNull();
  });
});
