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

  it('never counts a sale heard after its order was refunded before allocation, nor one refunded while the sale was being recorded', async () => {
    const productId = 'p-withdrawn';
    await dataSource.query(`INSERT INTO shop_listings (product_id, listing_id, believed_stock) VALUES ($1, $2, 10)`, [productId, `L-${productId}`]);
    // Risk control rejected the order and order-processing asked for the refund before catalog-sync heard of the sale.
    await inTransaction((ledger) => ledger.withdraw({ shopOrderId: 'SO-refunded-first' }));
    expect(await inTransaction((ledger) => ledger.recordSale('SO-refunded-first', [{ productId, quantity: 3 }]))).toEqual([productId]);
    expect(await inTransaction((ledger) => ledger.figures(productId))).toEqual({ available: 0, inFlight: 0 });
    const [first] = (await dataSource.query(`SELECT settled_at FROM in_flight_orders WHERE shop_order_id = 'SO-refunded-first'`)) as { settled_at: Date | null }[];
    expect(first?.settled_at).not.toBeNull();
    // The shop lowered its stock for the sale all the same: believed follows it.
    const [listing] = (await dataSource.query(`SELECT believed_stock FROM shop_listings WHERE product_id = $1`, [productId])) as { believed_stock: number }[];
    expect(listing?.believed_stock).toBe(7);

    // Sale and withdrawal committing at the same moment: neither sees the other's row, the read still leaves the line out.
    let releaseSale: () => void = () => undefined;
    const saleMayCommit = new Promise<void>((resolve) => (releaseSale = resolve));
    const sale = inTransaction(async (ledger) => {
      await ledger.recordSale('SO-both-at-once', [{ productId, quantity: 2 }]);
      await saleMayCommit;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await inTransaction((ledger) => ledger.withdraw({ shopOrderId: 'SO-both-at-once' }));
    releaseSale();
    await sale;
    expect(await inTransaction((ledger) => ledger.figures(productId))).toEqual({ available: 0, inFlight: 0 });

    // An allocated order's refund (after-sale) does not take its line out before its count does.
    await inTransaction(async (ledger) => {
      await ledger.recordSale('SO-allocated', [{ productId, quantity: 1 }]);
      await ledger.linkOrder('SO-allocated', 'order-allocated');
      await ledger.recordAllocation('order-allocated', new Date().toISOString());
      await ledger.withdraw({ orderId: 'order-allocated' });
    });
    expect(await inTransaction((ledger) => ledger.figures(productId))).toEqual({ available: 0, inFlight: 1 });
  });
});
