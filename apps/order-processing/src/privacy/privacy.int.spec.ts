import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import { BuyerErasureRequested, ShopOrderPaid, TOPICS, type EventData } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic, testKafka } from '@cardlink/messaging/testing';
import { findContactTraces } from '@cardlink/personal-data';
import { eventually, startServiceUnderTest, type ServiceUnderTest } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';
import { ContactRetention } from './contact-retention';

const at = '2026-11-27T01:00:00.000Z';
const A = { buyerId: 'buyer-alice-7731', email: 'alice.privacy@example.com', phone: '+8613911112222', ip: '198.51.100.23', deviceId: 'dev-alice-01' };
const B = { buyerId: 'buyer-bob-4410', email: 'bob.keeps@example.com', phone: '+8613733334444', ip: '198.51.100.99', deviceId: 'dev-bob-02' };
const contactsOf = (buyer: typeof A) => [buyer.buyerId, buyer.email, buyer.phone, buyer.phone.slice(1), buyer.deviceId];

function paid(shopOrderId: string, buyer: typeof A, amount: number): EventData<typeof ShopOrderPaid> {
  return {
    order: { shopOrderId, buyer, lines: [{ lineId: 'L1', productId: 'P1', quantity: 1, unitPrice: amount }], totalAmount: amount, currency: 'CNY', createdAt: at },
    payment: { paymentId: `pay-${shopOrderId}`, channel: 'alipay', account: buyer.phone, amount, currency: 'CNY', paidAt: at },
  };
}

describe('order-processing: buyer contacts sealed, erased on request and after retention', () => {
  const kafka = testKafka();
  const officer = testCredential('olga', ['privacy:erase']);
  const reader = testCredential('rita', ['orders:read']);
  let orders: ServiceUnderTest;
  let db: Client;

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
  const api = (path: string, as: { authorization: string }, body?: unknown) =>
    fetch(`${orders.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: as.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const totals = () =>
    query<{ orders: string; payments: string; count: string }>(
      'SELECT (SELECT sum(total_amount) FROM orders) AS orders, (SELECT sum(amount) FROM payments) AS payments, (SELECT count(*) FROM payments) AS count',
    );

  beforeAll(async () => {
    orders = await startServiceUnderTest({
      service: 'order-processing',
      role: 'cardlink_orders',
      schemaPrefix: 'privacy',
      configSchema,
      module: AppModule,
      env: {
        ...credentialsEnv(officer, reader),
        SHOP_API_URL: 'http://127.0.0.1:9',
        SHOP_CLIENT_ID: 'cardlink',
        SHOP_CLIENT_SECRET: 'test-secret',
        PERSONAL_DATA_KEYS: `p1:${randomBytes(32).toString('base64')}`,
        PERSONAL_DATA_MATCH_KEY: randomBytes(32).toString('base64'),
        PERSONAL_DATA_RETENTION_DAYS: '30',
        PERSONAL_DATA_RETENTION_INTERVAL_MS: '3600000',
      },
    });
    db = orders.db;
  }, 60_000);

  afterAll(async () => {
    await orders?.stop();
  });

  it('erases one buyer everywhere in the orders schema, keeps the other buyer and every amount, and records the erasure', async () => {
    const placed: [string, typeof A, number][] = [
      ['SO-A1', A, 1200],
      ['SO-A2', { ...A, email: 'Alice.Privacy@Example.com' }, 800],
      ['SO-B1', B, 500],
    ];
    for (const [shopOrderId, buyer, amount] of placed) {
      await orders.publish(ShopOrderPaid, shopOrderId, paid(shopOrderId, buyer, amount));
    }
    const published = await eventually(
      () => query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE event_type = 'cardlink.orders.order-paid.v1' AND published_at IS NOT NULL`),
      (rows) => rows[0]?.n === '3',
    );
    expect(published[0]?.n).toBe('3');

    // Sealed at rest: only the published OrderPaid rows (deleted by the relay an hour after publishing) hold contacts.
    const atRest = await findContactTraces(db, orders.schema.schema, [...contactsOf(A), ...contactsOf(B)]);
    expect([...new Set(atRest.map((t) => t.table))]).toEqual(['outbox']);
    const before = await totals();

    const [bOrder] = await query<{ id: string }>(`SELECT id FROM orders WHERE shop_order_id = 'SO-B1'`);
    expect((await api('/privacy/erasures', reader, { email: A.email, reason: 'data subject request' })).status).toBe(403);
    const refused = await api('/privacy/erasures', officer, { reason: 'no buyer named' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('name the buyer by at least one of buyerId, email or phone');

    const answer = await api('/privacy/erasures', officer, { email: '  ALICE.privacy@example.com ', reason: 'data subject request #42' });
    expect(answer.status).toBe(202);
    const erasure = (await answer.json()) as { erasureId: string; ordersErased: number; orderIds: string[] };
    expect(erasure.ordersErased).toBe(2);

    // No trace of A in any table, in clear, base64, base64url or hex; B untouched; money unchanged.
    expect(await findContactTraces(db, orders.schema.schema, contactsOf(A))).toEqual([]);
    expect((await findContactTraces(db, orders.schema.schema, [B.email])).map((t) => t.table)).toContain('outbox');
    expect(await totals()).toEqual(before);
    const bView = (await (await api(`/orders/${bOrder?.id}`, reader)).json()) as { buyer: { buyerId: string; email: string } };
    expect(bView.buyer).toEqual(expect.objectContaining({ buyerId: B.buyerId, email: expect.stringMatching(/^b\*+@example\.com$/) }));
    const aView = (await (await api(`/orders/${erasure.orderIds[0]}`, reader)).json()) as { buyer: unknown; totalAmount: number; state: string };
    expect(aView).toEqual(expect.objectContaining({ buyer: { buyerId: 'erased' }, state: 'PAID' }));

    const audit = (await (await api(`/privacy/erasures/${erasure.erasureId}`, officer)).json()) as Record<string, unknown>;
    expect(audit).toEqual(
      expect.objectContaining({ cause: 'request', requestedBy: 'olga', reason: 'data subject request #42', identifierKinds: ['email'], ordersErased: 2 }),
    );
    expect(JSON.stringify(audit)).not.toContain('alice');

    // The other services learn of it by match keys and order ids, never by the contact.
    const messages = await readTopic(kafka, `${orders.topicPrefix}${TOPICS.orderLifecycle}`, (m) => m.some((x) => x.message.key?.toString() === erasure.erasureId));
    const event = messages.map((m) => decodeEvent(m.message)).find((e) => e.type === BuyerErasureRequested.type);
    expect(event?.data).toEqual(expect.objectContaining({ erasureId: erasure.erasureId, orderIds: erasure.orderIds, requestedBy: 'olga' }));
    const wire = messages.filter((m) => m.message.key?.toString() === erasure.erasureId).map((m) => m.message.value?.toString() ?? '').join('\n');
    for (const contact of contactsOf(A)) expect(wire.toLowerCase()).not.toContain(contact.toLowerCase());
  });

  it('erases what is past the retention period, keeping the orders and their amounts', async () => {
    const before = await totals();
    const retention = orders.service.app.get(ContactRetention);
    const round = await retention.runRound(new Date(Date.parse(at) + 31 * 86_400_000));
    expect(round.ordersErased).toBe(1);
    expect(await findContactTraces(db, orders.schema.schema, contactsOf(B))).toEqual([]);
    expect(await totals()).toEqual(before);
    const audits = await query<{ cause: string; orders_erased: number }>(`SELECT cause, orders_erased FROM privacy_erasures ORDER BY erased_at`);
    expect(audits).toEqual([
      { cause: 'request', orders_erased: 2 },
      { cause: 'retention', orders_erased: 1 },
    ]);
    expect((await retention.runRound(new Date(Date.parse(at) + 31 * 86_400_000))).ordersErased).toBe(0);
  });
});
