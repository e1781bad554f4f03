import { CardsAllocated, OutOfStock, type EventData } from '@cardlink/contracts';
import { openSealed } from '@cardlink/card-crypto';
import { Outbox } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { VoidService } from '../after-sale/void.service';
import { AllocationService, type ApprovedOrder } from '../allocation/allocation.service';
import { CardImportService } from '../import/card-import.service';
import { decodeCardSecret } from '../secrets/card-secret';
import { inventoryTestDatabase, testCardSecrets, type InventoryTestDatabase } from '../testing/inventory-test-database';
import { BackorderService } from './backorder.service';

describe('backorders, cancellation, void and replacement, reusable pools (real Postgres)', () => {
  let db: InventoryTestDatabase;
  const { secrets, deliveryPrivateKey } = testCardSecrets();
  const allocation = new AllocationService(secrets, new Outbox('card-inventory'));
  const imports = new CardImportService(secrets);
  const voids = new VoidService(allocation);
  let backorders: BackorderService;

  beforeAll(async () => {
    db = await inventoryTestDatabase({ poolSize: 12 });
    backorders = new BackorderService(db.dataSource, allocation, { nudge: () => undefined }, { BACKORDER_INTERVAL_MS: 60_000 });
  });

  afterAll(async () => {
    await db?.close();
  });

  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(db.dataSource, work);
  const approve = (order: ApprovedOrder) => tx((m) => allocation.allocate(m, order, { id: `evt-${order.orderId}`, correlationid: order.orderId }));
  const importCards = (productId: string, lines: string[]) => tx((m) => imports.importCards(m, productId, lines));
  const statusOf = async (orderId: string) =>
    ((await db.dataSource.query('SELECT status FROM order_allocations WHERE order_id = $1', [orderId])) as { status: string }[])[0]?.status;

  async function allocatedEvents(orderId: string): Promise<EventData<typeof CardsAllocated>[]> {
    const rows: { payload: string }[] = await db.dataSource.query('SELECT payload FROM outbox WHERE event_type = $1 AND message_key = $2 ORDER BY id', [
      CardsAllocated.type,
      orderId,
    ]);
    return rows.map((r) => JSON.parse(r.payload) as EventData<typeof CardsAllocated>);
  }

  it('an order that found too few cards waits, and gets them when cards are imported, oldest order first', async () => {
    await importCards('bo-p', ['BO-CARD-0001']);
    expect((await approve({ orderId: 'bo-old', lines: [{ lineId: 'l1', productId: 'bo-p', quantity: 2 }] })).status).toBe('waiting');
    expect((await approve({ orderId: 'bo-young', lines: [{ lineId: 'l1', productId: 'bo-p', quantity: 1 }] })).status).toBe('allocated');
    expect((await approve({ orderId: 'bo-younger', lines: [{ lineId: 'l1', productId: 'bo-p', quantity: 1 }] })).status).toBe('waiting');
    expect(await statusOf('bo-old')).toBe('waiting');
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE event_type = $1 AND message_key LIKE 'bo-%'`, [OutOfStock.type]))[0].n).toBe(2);

    // Two new cards: the oldest waiter needs both and gets both; the younger one keeps waiting.
    await importCards('bo-p', ['BO-CARD-0002', 'BO-CARD-0003']);
    expect(await backorders.round()).toEqual({ orders: 1, replacements: 0 });
    expect(await statusOf('bo-old')).toBe('allocated');
    expect(await statusOf('bo-younger')).toBe('waiting');
    const [event] = await allocatedEvents('bo-old');
    expect(event.lines[0].cards.map((c) => decodeCardSecret(openSealed(c.secret, deliveryPrivateKey)).code).sort()).toEqual(['BO-CARD-0002', 'BO-CARD-0003']);

    // A round with nothing new changes nothing and publishes nothing.
    const events = (await db.dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n;
    expect(await backorders.round()).toEqual({ orders: 0, replacements: 0 });
    expect((await db.dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n).toBe(events);

    await importCards('bo-p', ['BO-CARD-0004']);
    expect(await backorders.round()).toEqual({ orders: 1, replacements: 0 });
    expect(await statusOf('bo-younger')).toBe('allocated');
  });

  it('a cancelled or refunded backorder is never fulfilled; a cancelled allocated order keeps its cards out of stock', async () => {
    await approve({ orderId: 'bo-cancel', lines: [{ lineId: 'l1', productId: 'bo-c', quantity: 1 }] });
    await approve({ orderId: 'bo-refund', lines: [{ lineId: 'l1', productId: 'bo-c', quantity: 1 }] });
    expect(await tx((m) => allocation.cancel(m, 'bo-cancel', 'cancelled: buyer changed mind'))).toBe('backorder-cancelled');
    expect(await tx((m) => allocation.cancel(m, 'bo-refund', 'refund requested: out of stock too long'))).toBe('backorder-cancelled');
    expect(await tx((m) => allocation.cancel(m, 'bo-refund', 'again'))).toBe('already-cancelled');

    await importCards('bo-c', ['BO-C-0001', 'BO-C-0002']);
    expect(await backorders.round()).toEqual({ orders: 0, replacements: 0 });
    expect(await statusOf('bo-cancel')).toBe('cancelled');
    expect(await allocatedEvents('bo-cancel')).toEqual([]);

    // Cancelled before its approval arrived: the late approval allocates nothing.
    expect(await tx((m) => allocation.cancel(m, 'bo-early-cancel', 'cancelled: unpaid'))).toBe('cancelled-before-approval');
    expect(await approve({ orderId: 'bo-early-cancel', lines: [{ lineId: 'l1', productId: 'bo-c', quantity: 1 }] })).toEqual({
      status: 'cancelled',
      orderId: 'bo-early-cancel',
      replayed: true,
    });

    expect((await approve({ orderId: 'bo-sold', lines: [{ lineId: 'l1', productId: 'bo-c', quantity: 1 }] })).status).toBe('allocated');
    expect(await tx((m) => allocation.cancel(m, 'bo-sold', 'cancelled'))).toBe('already-allocated');
    const [{ available }] = await db.dataSource.query(`SELECT count(*)::int AS available FROM cards WHERE product_id = 'bo-c' AND status = 'available'`);
    expect(available).toBe(1);
  });

  it('voiding a sold card gives its line a replacement published as a new allocation; without stock the replacement waits for the next import', async () => {
    await importCards('vd-p', ['VD-CARD-0001', 'VD-CARD-0002']);
    const sold = await approve({ orderId: 'vd-order', lines: [{ lineId: 'line-7', productId: 'vd-p', quantity: 1 }] });
    if (sold.status !== 'allocated') throw new Error('expected an allocation');
    const first = sold.lines[0].cardIds[0];

    const voided = await tx((m) => voids.voidCard(m, first, 'buyer reports the code does not work', 'alice'));
    expect(voided.replacements).toEqual([{ orderId: 'vd-order', lineId: 'line-7', status: 'allocated', cardId: expect.any(String), allocationId: expect.any(String) }]);
    const second = voided.replacements[0].status === 'allocated' ? voided.replacements[0].cardId : '';
    const events = await allocatedEvents('vd-order');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ replacesCardId: first, lines: [{ lineId: 'line-7', productId: 'vd-p', cards: [{ cardId: second }] }] });
    expect(decodeCardSecret(openSealed(events[1].lines[0].cards[0].secret, deliveryPrivateKey)).code).not.toBe(
      decodeCardSecret(openSealed(events[0].lines[0].cards[0].secret, deliveryPrivateKey)).code,
    );
    await expect(tx((m) => voids.voidCard(m, first, 'again', 'alice'))).rejects.toThrow(`card ${first} is already voided`);

    // No card left: the replacement of the replacement waits, and the next import serves it.
    const again = await tx((m) => voids.voidCard(m, second, 'also broken', 'bob'));
    expect(again.replacements).toEqual([{ orderId: 'vd-order', lineId: 'line-7', status: 'waiting' }]);
    await importCards('vd-p', ['VD-CARD-0003']);
    expect(await backorders.round()).toEqual({ orders: 0, replacements: 1 });
    expect((await allocatedEvents('vd-order')).map((e) => e.replacesCardId)).toEqual([undefined, first, second]);
  });

  it('voids a whole unsold batch, and refuses a batch with a sold card', async () => {
    const unsold = await importCards('vb-p', ['VB-0001', 'VB-0002', 'VB-0003']);
    const partly = await importCards('vb-q', ['VB-Q-0001', 'VB-Q-0002']);
    await approve({ orderId: 'vb-order', lines: [{ lineId: 'l1', productId: 'vb-q', quantity: 1 }] });

    expect(await tx((m) => voids.voidBatch(m, unsold.batchId, 'supplier recalled them'))).toEqual({ batchId: unsold.batchId, productId: 'vb-p', voidedCards: 3 });
    await expect(tx((m) => voids.voidBatch(m, partly.batchId, 'recall'))).rejects.toThrow('1 of its cards were sold');
    const rows = await db.dataSource.query(`SELECT product_id, status, count(*)::int AS n FROM cards WHERE product_id IN ('vb-p', 'vb-q') GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows).toEqual([
      { product_id: 'vb-p', status: 'voided', n: 3 },
      { product_id: 'vb-q', status: 'allocated', n: 1 },
      { product_id: 'vb-q', status: 'available', n: 1 },
    ]);
  });

  it('a reusable pool sells one secret to many buyers, concurrently, never beyond its cap', async () => {
    await tx((m) => m.query(`INSERT INTO card_pools (product_id, mode, reusable_cap) VALUES ('shared', 'reusable', 5)`));
    await importCards('shared', ['SHARED-ACCOUNT-1,password-1']);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => approve({ orderId: `shared-${i}`, lines: [{ lineId: 'l1', productId: 'shared', quantity: 1 }] })),
    );
    expect(outcomes.filter((o) => o.status === 'allocated')).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 'waiting')).toHaveLength(3);
    const [card] = await db.dataSource.query(`SELECT status, sold_count FROM cards WHERE product_id = 'shared'`);
    expect(card).toEqual({ status: 'allocated', sold_count: 5 });
    const sealed = (await Promise.all(outcomes.filter((o) => o.status === 'allocated').map((o) => allocatedEvents(o.orderId)))).map(
      ([e]) => decodeCardSecret(openSealed(e.lines[0].cards[0].secret, deliveryPrivateKey)),
    );
    expect(new Set(sealed.map((s) => `${s.code}/${s.password}`))).toEqual(new Set(['SHARED-ACCOUNT-1/password-1']));
  });
});
