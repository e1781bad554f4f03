import type { KeyObject } from 'node:crypto';
import { Registry } from 'prom-client';
import { CardsAllocated, OutOfStock, type EventData } from '@cardlink/contracts';
import { openSealed } from '@cardlink/card-crypto';
import { Outbox } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { CardImportService } from '../import/card-import.service';
import { decodeCardSecret } from '../secrets/card-secret';
import type { CardSecrets } from '../secrets/card-secrets';
import { inventoryTestDatabase, testCardSecrets, type InventoryTestDatabase } from '../testing/inventory-test-database';
import { AllocationMetrics } from './allocation-metrics';
import { AllocationService, type AllocationOutcome, type ApprovedOrder } from './allocation.service';

const HOT = 'prod-hot';
const STOCK = 60;
const codeOf = (i: number) => `HOT-CARD-${String(i).padStart(4, '0')}`;

describe('allocation against real Postgres', () => {
  let db: InventoryTestDatabase;
  let secrets: CardSecrets;
  let deliveryPrivateKey: KeyObject;
  let service: AllocationService;

  beforeAll(async () => {
    db = await inventoryTestDatabase({ poolSize: 20 });
    ({ secrets, deliveryPrivateKey } = testCardSecrets());
    service = new AllocationService(secrets, new Outbox('card-inventory'));
    const imports = new CardImportService(secrets);
    await withTransaction(db.dataSource, (m) => imports.importCards(m, HOT, Array.from({ length: STOCK }, (_, i) => `${codeOf(i)},pw-${i}`)));
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'prod-a', ['A-CARD-0001', 'A-CARD-0002', 'A-CARD-0003']));
    await withTransaction(db.dataSource, (m) => imports.importCards(m, 'prod-b', ['B-CARD-0001']));
  });

  afterAll(async () => {
    await db?.close();
  });

  const allocate = (order: ApprovedOrder) =>
    withTransaction(db.dataSource, (m) => service.allocate(m, order, { id: `evt-${order.orderId}`, correlationid: order.orderId }));

  async function outboxEvents(type: string): Promise<{ event_type: string; payload: string }[]> {
    return db.dataSource.query('SELECT event_type, payload FROM outbox WHERE event_type = $1 ORDER BY id', [type]);
  }

  it('50 concurrent orders of 1-3 cards on one hot product: no card twice, exact quantities, the rest out of stock, all counted', async () => {
    const orders: ApprovedOrder[] = Array.from({ length: 50 }, (_, i) => ({
      orderId: `hot-order-${i}`,
      lines: [{ lineId: `line-${i}`, productId: HOT, quantity: (i % 3) + 1 }],
    }));
    const outcomes = await Promise.all(orders.map(allocate));

    const fulfilled = outcomes.filter((o): o is Extract<AllocationOutcome, { status: 'allocated' }> => o.status === 'allocated');
    const waiting = outcomes.filter((o) => o.status === 'waiting');
    expect(fulfilled.length).toBeGreaterThan(0);
    expect(waiting.length).toBeGreaterThan(0);
    expect(fulfilled.length + waiting.length).toBe(50);

    const rows: { order_id: string; line_id: string; card_id: string }[] = await db.dataSource.query(
      'SELECT order_id, line_id, card_id::text FROM card_allocations WHERE product_id = $1',
      [HOT],
    );
    expect(new Set(rows.map((r) => r.card_id)).size).toBe(rows.length);
    orders.forEach((order, i) => {
      const given = rows.filter((r) => r.order_id === order.orderId);
      expect(given.length).toBe(outcomes[i].status === 'allocated' ? order.lines[0].quantity : 0);
    });
    const [{ available, allocated }] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'available')::int AS available, count(*) FILTER (WHERE status = 'allocated')::int AS allocated FROM cards WHERE product_id = $1`,
      [HOT],
    );
    expect(allocated).toBe(rows.length);
    expect(available + allocated).toBe(STOCK);

    const allocatedEvents = (await outboxEvents(CardsAllocated.type)).map((e) => JSON.parse(e.payload) as EventData<typeof CardsAllocated>);
    const outOfStockEvents = (await outboxEvents(OutOfStock.type)).map((e) => JSON.parse(e.payload) as EventData<typeof OutOfStock>);
    expect(allocatedEvents.filter((e) => e.orderId.startsWith('hot-order-'))).toHaveLength(fulfilled.length);
    expect(outOfStockEvents.filter((e) => e.orderId.startsWith('hot-order-'))).toHaveLength(waiting.length);

    // The secrets travel sealed, open only with the delivery key, and are the imported ones.
    const opened = allocatedEvents.flatMap((e) => e.lines.flatMap((l) => l.cards.map((c) => decodeCardSecret(openSealed(c.secret, deliveryPrivateKey)))));
    expect(opened).toHaveLength(rows.length);
    for (const secret of opened) expect(secret.code).toMatch(/^HOT-CARD-\d{4}$/);
    const outboxText = (await db.dataSource.query('SELECT payload FROM outbox')).map((r: { payload: string }) => r.payload).join('\n');
    for (let i = 0; i < STOCK; i++) expect(outboxText).not.toContain(codeOf(i));

    // Redelivered, concurrently again: the recorded outcomes come back and nothing changes.
    const before = await db.dataSource.query('SELECT (SELECT count(*) FROM card_allocations)::int AS allocations, (SELECT count(*) FROM outbox)::int AS events');
    const replayed = await Promise.all(orders.map(allocate));
    expect(replayed.every((o) => o.replayed)).toBe(true);
    expect(replayed.map((o) => [o.orderId, o.status])).toEqual(outcomes.map((o) => [o.orderId, o.status]));
    for (const outcome of fulfilled) {
      expect(replayed.find((o) => o.orderId === outcome.orderId)).toEqual({ ...outcome, replayed: true });
    }
    expect(await db.dataSource.query('SELECT (SELECT count(*) FROM card_allocations)::int AS allocations, (SELECT count(*) FROM outbox)::int AS events')).toEqual(before);
  });

  it('allocates nothing for an order when one of its lines lacks cards, and says what was missing', async () => {
    const outcome = await allocate({
      orderId: 'mixed-order',
      lines: [
        { lineId: 'a', productId: 'prod-a', quantity: 2 },
        { lineId: 'b', productId: 'prod-b', quantity: 2 },
      ],
    });
    expect(outcome).toEqual({
      status: 'waiting',
      orderId: 'mixed-order',
      missing: [{ lineId: 'b', productId: 'prod-b', requested: 2, available: 1 }],
      replayed: false,
    });
    const [{ available }] = await db.dataSource.query(`SELECT count(*)::int AS available FROM cards WHERE status = 'available' AND product_id IN ('prod-a', 'prod-b')`);
    expect(available).toBe(4);
    const [event] = (await outboxEvents(OutOfStock.type)).filter((e) => e.payload.includes('mixed-order'));
    expect((JSON.parse(event.payload) as EventData<typeof OutOfStock>).lines).toEqual([{ lineId: 'b', productId: 'prod-b', requested: 2, available: 1 }]);
  });

  it('gives two lines of the same product different cards', async () => {
    const outcome = await allocate({
      orderId: 'two-lines',
      lines: [
        { lineId: 'x', productId: 'prod-a', quantity: 1 },
        { lineId: 'y', productId: 'prod-a', quantity: 2 },
      ],
    });
    expect(outcome.status).toBe('allocated');
    if (outcome.status !== 'allocated') return;
    const ids = outcome.lines.flatMap((l) => l.cardIds);
    expect(outcome.lines.map((l) => l.cardIds.length)).toEqual([1, 2]);
    expect(new Set(ids).size).toBe(3);
  });

  it('counts allocations and cards only once their transaction committed, and a redelivered order not at all', async () => {
    const registry = new Registry();
    const counted = new AllocationService(secrets, new Outbox('card-inventory'), new AllocationMetrics(registry, db.dataSource));
    await withTransaction(db.dataSource, (m) => new CardImportService(secrets).importCards(m, 'prod-metrics', ['M-CARD-0001', 'M-CARD-0002', 'M-CARD-0003']));
    const order = { orderId: 'metrics-order', lines: [{ lineId: 'L1', productId: 'prod-metrics', quantity: 2 }] };
    const series = async () => {
      const text = (await registry.metrics()).split('\n');
      return text.filter((line) => /^cardlink_(allocations|cards_allocated)_total\{/.test(line) && line.includes('prod-metrics')).sort();
    };

    await expect(
      withTransaction(db.dataSource, async (m) => {
        await counted.allocate(m, order);
        throw new Error('the handler failed after allocating');
      }),
    ).rejects.toThrow('the handler failed after allocating');
    expect(await series()).toEqual([]);

    await withTransaction(db.dataSource, (m) => counted.allocate(m, order));
    await withTransaction(db.dataSource, (m) => counted.allocate(m, order));
    await withTransaction(db.dataSource, (m) => counted.allocate(m, { orderId: 'metrics-short', lines: [{ lineId: 'L1', productId: 'prod-metrics', quantity: 5 }] }));
    expect(await series()).toEqual([
      'cardlink_allocations_total{product="prod-metrics",outcome="allocated"} 1',
      'cardlink_allocations_total{product="prod-metrics",outcome="out_of_stock"} 1',
      'cardlink_cards_allocated_total{product="prod-metrics"} 2',
    ]);
  });
});
