import { randomBytes } from 'node:crypto';
import { BuyerErasureRequested } from '@cardlink/contracts';
import { findContactTraces } from '@cardlink/personal-data';
import { DeliveryUnderTest } from '../testing/delivery-under-test';
import { DeliveryContactRetention } from './contact-retention';

const A = { email: 'alice.privacy@example.com', phone: '+8613911112222' };
const B = { email: 'bob.keeps@example.com', phone: '+8613733334444' };
const contactsOf = (buyer: typeof A) => [buyer.email, buyer.phone, buyer.phone.slice(1)];

describe('delivery-notifications: addresses sealed at rest, erased on request and after retention', () => {
  const world = new DeliveryUnderTest();

  beforeAll(async () => {
    await world.start({
      PERSONAL_DATA_KEYS: `d1:${randomBytes(32).toString('base64')}`,
      PERSONAL_DATA_MATCH_KEY: randomBytes(32).toString('base64'),
      PERSONAL_DATA_RETENTION_DAYS: '30',
    });
  }, 60_000);

  afterAll(() => world.stop());

  it('delivers to sealed addresses, then erases one buyer on request and leaves the other', async () => {
    const paidAt = new Date(Date.now() - 60_000);
    for (const [orderId, buyer, card] of [
      ['ord-a1', A, 'CARD-A1'],
      ['ord-b1', B, 'CARD-B1'],
    ] as const) {
      await world.paidAndAllocated({ orderId, shopOrderId: `SO-${orderId}`, ...buyer, cards: [{ cardId: card, code: `${card}-CODE` }], allocatedAt: paidAt });
    }
    const settled = await world.settled('ord-a1', 2);
    expect(settled.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'succeeded'],
      ['shop', 'succeeded'],
    ]);
    await world.settled('ord-b1', 2);
    expect(world.smtp.to(A.email)).toHaveLength(1);
    // Sealed at rest: no table holds either buyer's address in clear or reversible form.
    expect(await findContactTraces(world.db, world.schema.schema, [...contactsOf(A), ...contactsOf(B)])).toEqual([]);

    // A pickup code asked for with the order number and the (sealed) address leaves an audit row for the order.
    const asked = await fetch(`${world.base}/pickup/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `orderNumber=SO-ord-a1&contact=${encodeURIComponent(A.email.toUpperCase())}`,
    });
    expect(asked.status).toBe(200);
    expect(await world.query(`SELECT outcome FROM pickup_audit WHERE order_id = 'ord-a1'`)).toEqual([{ outcome: 'code_sent' }]);
    expect(await findContactTraces(world.db, world.schema.schema, ['127.0.0.1', '::ffff:127.0.0.1'])).toEqual([]);

    const erasure = await world.publish(BuyerErasureRequested, 'erasure-1', {
      erasureId: '0f4a8c2e-7b1d-4e3f-9a6b-5c8d7e2f1a90',
      matchKeys: [{ kind: 'email', key: 'hm1.test' }],
      orderIds: ['ord-a1'],
      shopOrderIds: ['SO-ord-a1'],
      requestedBy: 'olga',
      requestedAt: new Date().toISOString(),
    });
    await world.consumed(erasure);

    const kept = await world.query<{ order_id: string; email: string | null; phone: string | null }>('SELECT order_id, email, phone FROM buyer_orders ORDER BY order_id');
    expect(kept.map((r) => [r.order_id, r.email === null, r.phone === null])).toEqual([
      ['ord-a1', true, true],
      ['ord-b1', false, false],
    ]);
    expect(await world.query(`SELECT ip FROM pickup_audit WHERE order_id = 'ord-a1' AND ip <> 'erased'`)).toEqual([]);
    expect(await world.query('SELECT id, cause, requested_by, order_ids, orders_erased FROM privacy_erasures')).toEqual([
      { id: '0f4a8c2e-7b1d-4e3f-9a6b-5c8d7e2f1a90', cause: 'request', requested_by: 'olga', order_ids: ['ord-a1'], orders_erased: 1 },
    ]);
    // The deliveries, their attempts and the cards stay; B can still be reached.
    expect(await world.query(`SELECT count(*)::int AS n FROM deliveries WHERE order_id = 'ord-a1'`)).toEqual([{ n: 2 }]);
    const adminView = await fetch(`${world.base}/deliveries?orderId=ord-b1`, { headers: { authorization: world.admin.authorization } });
    expect(adminView.status).toBe(200);
    const view = await adminView.text();
    expect(view).toContain('b***@example.com');
    expect(view).not.toContain(B.email);
  });

  it('erases the addresses of orders paid before the retention period', async () => {
    const retention = world.service?.app.get(DeliveryContactRetention);
    if (!retention) throw new Error('the service did not start');
    expect(await retention.runRound(new Date(Date.now() + 31 * 86_400_000))).toBe(1);
    expect(await world.query(`SELECT count(*)::int AS n FROM buyer_orders WHERE email IS NOT NULL OR phone IS NOT NULL`)).toEqual([{ n: 0 }]);
    expect(await world.query(`SELECT cause, orders_erased FROM privacy_erasures ORDER BY erased_at`)).toEqual([
      { cause: 'request', orders_erased: 1 },
      { cause: 'retention', orders_erased: 1 },
    ]);
  });
});
