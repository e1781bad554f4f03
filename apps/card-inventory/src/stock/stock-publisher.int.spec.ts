import { StockChanged, StockLow, type EventData } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { AllocationService } from '../allocation/allocation.service';
import { CardImportService } from '../import/card-import.service';
import { inventoryTestDatabase, testCardSecrets, type InventoryTestDatabase } from '../testing/inventory-test-database';
import { StockPublisher } from './stock-publisher';

describe('stock publisher (real Postgres)', () => {
  let db: InventoryTestDatabase;
  let publisher: StockPublisher;
  const { secrets } = testCardSecrets();
  const outbox = new Outbox('card-inventory');
  const allocation = new AllocationService(secrets, outbox);
  const imports = new CardImportService(secrets);

  beforeAll(async () => {
    db = await inventoryTestDatabase({ poolSize: 12 });
    publisher = new StockPublisher(db.dataSource, outbox, { nudge: () => undefined }, { STOCK_PUBLISH_INTERVAL_MS: 60_000, REUSABLE_UNCAPPED_STOCK: 9_999 });
  });

  afterAll(async () => {
    await db?.close();
  });

  async function events<D extends typeof StockChanged | typeof StockLow>(definition: D, productId: string): Promise<EventData<D>[]> {
    const rows: { payload: string }[] = await db.dataSource.query('SELECT payload FROM outbox WHERE event_type = $1 AND message_key = $2 ORDER BY id', [
      definition.type,
      productId,
    ]);
    return rows.map((r) => JSON.parse(r.payload) as EventData<D>);
  }

  it('folds thousands of imported cards and dozens of concurrent sales into one event per product per round', async () => {
    for (let batch = 0; batch < 3; batch++) {
      const lines = Array.from({ length: 2000 }, (_, i) => `BULK-${batch}-${String(i).padStart(5, '0')}`);
      await withTransaction(db.dataSource, (m) => imports.importCards(m, 'bulk', lines));
    }
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'other', ['OTHER-0001', 'OTHER-0002']));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        withTransaction(db.dataSource, (m) => allocation.allocate(m, { orderId: `bulk-${i}`, lines: [{ lineId: 'l1', productId: 'bulk', quantity: 1 }] })),
      ),
    );
    const [{ marks }] = await db.dataSource.query('SELECT count(*)::int AS marks FROM stock_marks');
    expect(marks).toBe(44);

    expect(await publisher.round()).toEqual(['bulk', 'other']);
    const sold = Array.from({ length: 40 }, (_, i) => `bulk-${i}`).sort();
    expect(await events(StockChanged, 'bulk')).toEqual([{ productId: 'bulk', available: 5960, sequence: 1, at: expect.any(String), countedOrderIds: sold }]);
    expect(await events(StockChanged, 'other')).toEqual([{ productId: 'other', available: 2, sequence: 1, at: expect.any(String) }]);
    expect(await publisher.round()).toEqual([]);
  });

  it('publishes nothing for marks that did not change the count, and announces low stock once per crossing with a threshold set on the pool', async () => {
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'few', ['FEW-0001', 'FEW-0002', 'FEW-0003']));
    await db.dataSource.query(`UPDATE card_pools SET low_stock_threshold = 2 WHERE product_id = 'few'`);
    await publisher.round();
    await db.dataSource.query(`INSERT INTO stock_marks (product_id) VALUES ('few')`);
    expect(await publisher.round()).toEqual([]);

    const sell = (orderId: string) =>
      withTransaction(db.dataSource, (m) => allocation.allocate(m, { orderId, lines: [{ lineId: 'l1', productId: 'few', quantity: 1 }] }));
    await sell('few-1');
    await sell('few-2');
    await publisher.round();
    await sell('few-3');
    await publisher.round();
    expect((await events(StockChanged, 'few')).map((e) => [e.available, e.sequence])).toEqual([
      [3, 1],
      [1, 2],
      [0, 3],
    ]);
    expect((await events(StockLow, 'few')).map((e) => [e.available, e.threshold])).toEqual([[1, 2]]);

    // Back above the threshold and down again: a new crossing, a new StockLow.
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'few', ['FEW-0004', 'FEW-0005', 'FEW-0006']));
    await publisher.round();
    await sell('few-4');
    await sell('few-5');
    await publisher.round();
    expect((await events(StockLow, 'few')).map((e) => e.available)).toEqual([1, 1]);
  });

  it('counts the remaining sales of a capped reusable pool, and a fixed figure for an uncapped one', async () => {
    await db.dataSource.query(`INSERT INTO card_pools (product_id, mode, reusable_cap) VALUES ('capped', 'reusable', 10), ('open', 'reusable', NULL)`);
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'capped', ['SHARED-A', 'SHARED-B']));
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'open', ['SHARED-C']));
    await withTransaction(db.dataSource, (m) => allocation.allocate(m, { orderId: 'cap-1', lines: [{ lineId: 'l1', productId: 'capped', quantity: 1 }] }));
    const available = (productId: string) => withTransaction(db.dataSource, (m) => publisher.available(m, productId));
    expect(await available('capped')).toEqual({ available: 19, threshold: 0 });
    expect(await available('open')).toEqual({ available: 9_999, threshold: 0 });
  });

  it('names each allocation in exactly the count that first includes it, while allocations and rounds run at once', async () => {
    const cards = Array.from({ length: 300 }, (_, i) => `RACE-${String(i).padStart(4, '0')}`);
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'race', cards));
    await publisher.round();
    const quantities = new Map(Array.from({ length: 120 }, (_, i) => [`race-${i}`, 1 + (i % 3)]));
    let selling = true;
    const sales = Promise.all(
      Array.from({ length: 8 }, async (_, seller) => {
        for (const [orderId, quantity] of [...quantities].filter((_, i) => i % 8 === seller)) {
          await withTransaction(db.dataSource, (m) => allocation.allocate(m, { orderId, lines: [{ lineId: 'l1', productId: 'race', quantity }] }));
        }
      }),
    ).finally(() => (selling = false));
    while (selling) await publisher.round();
    await sales;
    await publisher.round();

    // Replaying the events as catalog-sync does: each count equals the first
    // count minus exactly the orders named so far, so none is named early or late.
    const published = await events(StockChanged, 'race');
    const [first, ...later] = published;
    expect(first.countedOrderIds).toBeUndefined();
    let counted = 0;
    const named: string[] = [];
    for (const event of later) {
      for (const orderId of event.countedOrderIds ?? []) counted += quantities.get(orderId) ?? Number.NaN;
      named.push(...(event.countedOrderIds ?? []));
      expect(event.available).toBe(first.available - counted);
    }
    expect(later.length).toBeGreaterThan(1);
    expect(named.sort()).toEqual([...quantities.keys()].sort());
    const allocatedUnits = [...quantities.values()].reduce((a, b) => a + b, 0);
    expect(published[published.length - 1].available).toBe(300 - allocatedUnits);
  });
});
