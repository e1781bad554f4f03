import { Client } from 'pg';
import {
  CardsAllocated,
  createEnvelope,
  DeliverySucceeded,
  PaymentReceived,
  RiskAssessed,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  TOPICS,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@cardlink/contracts';
import { decodeEvent, encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

const at = '2026-11-27T01:00:00.000Z';

function shopOrder(shopOrderId: string, totalAmount = 1000) {
  return {
    shopOrderId,
    buyer: { buyerId: `buyer-${shopOrderId}`, email: 'buyer@example.com', phone: '13812345678' },
    lines: [{ lineId: 'L1', productId: 'P1', quantity: 2, unitPrice: totalAmount / 2 }],
    totalAmount,
    currency: 'CNY',
    createdAt: at,
  };
}

function paidEvent(shopOrderId: string, paymentId: string, amount = 1000): EventData<typeof ShopOrderPaid> {
  return { order: shopOrder(shopOrderId), payment: { paymentId, channel: 'alipay', amount, currency: 'CNY', paidAt: at } };
}

describe('order-processing against real Kafka and Postgres', () => {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let db: Client;
  const port = 39000 + Math.floor(Math.random() * 900);

  async function publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>): Promise<EventEnvelope> {
    const envelope = createEnvelope(definition, { source: 'test', subject, data });
    await publishEnvelope(definition, envelope);
    return envelope;
  }

  async function publishEnvelope(definition: EventDefinition, envelope: EventEnvelope): Promise<void> {
    await producer.send([{ topic: `${prefix}${definition.topic}`, ...encodeEvent(envelope) }]);
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query(sql, params)).rows as T[];
  }

  async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  /** The order once it reached the state; fails naming the state it is stuck in. */
  async function orderOf(shopOrderId: string, state: string): Promise<{ id: string; state: string }> {
    const rows = await eventually(
      () => query<{ id: string; state: string }>('SELECT id, state FROM orders WHERE shop_order_id = $1', [shopOrderId]),
      (r) => r[0]?.state === state,
    );
    const order: { id: string; state: string } | undefined = rows[0];
    if (order === undefined) throw new Error(`shop order ${shopOrderId} never became an order`);
    if (order.state !== state) throw new Error(`shop order ${shopOrderId} is in ${order.state}, expected ${state}`);
    return order;
  }

  async function historyOf(orderId: string) {
    return query<{ from_state: string | null; to_state: string; reason: string | null; cause_event_id: string }>(
      'SELECT from_state, to_state, reason, cause_event_id FROM order_state_history WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
  }

  /** Waits until the inbox shows every given event handled; events of one key are handled in order, so earlier copies were too. */
  async function handled(...envelopes: EventEnvelope[]): Promise<void> {
    const ids = envelopes.map((e) => e.id);
    const rows = await eventually(() => query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [ids]), (r) => r.length === ids.length);
    expect(rows).toHaveLength(ids.length);
  }

  /** Events published for the order so far, as types; the outbox is the record of what was committed. */
  async function eventsOf(orderId: string): Promise<string[]> {
    const rows = await query<{ event_type: string }>('SELECT event_type FROM outbox WHERE message_key = $1 ORDER BY id', [orderId]);
    return rows.map((r) => r.event_type);
  }

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'orders' });
    prefix = await createTestTopics(kafka);
    Object.assign(
      process.env,
      serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `order-processing-${prefix}` }),
    );
    service = await bootstrapService({ service: 'order-processing', configSchema, module: AppModule });
    db = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await producer.disconnect();
    await service?.shutdown();
    await schema?.drop();
    if (prefix) await deleteTestTopics(kafka, prefix);
  });

  it('matches a payment that arrived before its order, once, even when the shop reports it again', async () => {
    await publish(PaymentReceived, 'SO-EARLY', { provider: 'alipay', tradeNo: 'T-EARLY', shopOrderId: 'SO-EARLY', amount: 1000, currency: 'CNY', paidAt: at });
    await eventually(() => query('SELECT 1 FROM unmatched_payments WHERE reference = $1', ['T-EARLY']), (r) => r.length === 1);
    const created = await publish(ShopOrderCreated, 'SO-EARLY', { order: shopOrder('SO-EARLY') });
    const order = await orderOf('SO-EARLY', 'PAID');
    expect(order.state).toBe('PAID');
    await handled(await publish(ShopOrderPaid, 'SO-EARLY', paidEvent('SO-EARLY', 'T-EARLY')));

    expect(await historyOf(order.id)).toEqual([
      { from_state: null, to_state: 'AWAITING_PAYMENT', reason: null, cause_event_id: created.id },
      { from_state: 'AWAITING_PAYMENT', to_state: 'PAID', reason: null, cause_event_id: created.id },
    ]);
    expect(await query('SELECT reference, outcome FROM payments WHERE order_id = $1', [order.id])).toEqual([{ reference: 'T-EARLY', outcome: 'matched' }]);
    expect(await query('SELECT * FROM unmatched_payments')).toEqual([]);
    expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-paid.v1']);
  });

  it('creates one order and publishes one OrderPaid for duplicate payment reports', async () => {
    const first = await publish(ShopOrderPaid, 'SO-DUP', paidEvent('SO-DUP', 'P-DUP'));
    await publishEnvelope(ShopOrderPaid, first);
    const again = await publish(ShopOrderPaid, 'SO-DUP', paidEvent('SO-DUP', 'P-DUP'));
    const fromProvider = await publish(PaymentReceived, 'SO-DUP', { provider: 'alipay', tradeNo: 'P-DUP', shopOrderId: 'SO-DUP', amount: 1000, currency: 'CNY', paidAt: at });
    const order = await orderOf('SO-DUP', 'PAID');
    await handled(first, again, fromProvider);

    expect(await query('SELECT count(*)::int AS n FROM orders WHERE shop_order_id = $1', ['SO-DUP'])).toEqual([{ n: 1 }]);
    expect(await query('SELECT reference FROM payments WHERE order_id = $1', [order.id])).toEqual([{ reference: 'P-DUP' }]);
    expect((await historyOf(order.id)).map((h) => h.to_state)).toEqual(['AWAITING_PAYMENT', 'PAID']);
    expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-paid.v1']);
  });

  it('holds a payment of the wrong amount for review, with the reason, and tells risk control nothing', async () => {
    const paid = await publish(ShopOrderPaid, 'SO-SHORT', paidEvent('SO-SHORT', 'P-SHORT', 900));
    const order = await orderOf('SO-SHORT', 'IN_REVIEW');
    expect(order.state).toBe('IN_REVIEW');
    expect((await historyOf(order.id))[1]).toEqual({
      from_state: 'AWAITING_PAYMENT',
      to_state: 'IN_REVIEW',
      reason: 'payment P-SHORT of 900 CNY (minor units) does not match the order total of 1000 CNY (minor units)',
      cause_event_id: paid.id,
    });
    expect(await query('SELECT outcome FROM payments WHERE order_id = $1', [order.id])).toEqual([{ outcome: 'held' }]);
    expect(await eventsOf(order.id)).toEqual([]);
  });

  it('cancels a paid order and requests its refund, once', async () => {
    await publish(ShopOrderPaid, 'SO-CANCEL', paidEvent('SO-CANCEL', 'P-CANCEL'));
    await orderOf('SO-CANCEL', 'PAID');
    const cancelled = await publish(ShopOrderCancelled, 'SO-CANCEL', { shopOrderId: 'SO-CANCEL', reason: 'buyer changed mind', cancelledAt: at });
    const cancelledAgain = await publish(ShopOrderCancelled, 'SO-CANCEL', { shopOrderId: 'SO-CANCEL', reason: 'buyer changed mind', cancelledAt: at });
    const order = await orderOf('SO-CANCEL', 'REFUND_REQUESTED');
    await handled(cancelled, cancelledAgain);

    expect((await historyOf(order.id)).slice(2)).toEqual([
      { from_state: 'PAID', to_state: 'CANCELLED', reason: 'buyer changed mind', cause_event_id: cancelled.id },
      { from_state: 'CANCELLED', to_state: 'REFUND_REQUESTED', reason: 'cancelled after payment: buyer changed mind', cause_event_id: cancelled.id },
    ]);
    expect(await eventsOf(order.id)).toEqual([
      'cardlink.orders.order-paid.v1',
      'cardlink.orders.order-cancelled.v1',
      'cardlink.orders.refund-requested.v1',
    ]);
    const published = await readTopic(kafka, `${prefix}${TOPICS.orderLifecycle}`, (m) => m.filter((x) => x.message.key?.toString() === order.id).length >= 3);
    const refund = published.map((m) => decodeEvent(m.message)).find((e) => e.subject === order.id && e.type === 'cardlink.orders.refund-requested.v1');
    expect(refund?.data).toMatchObject({ shopOrderId: 'SO-CANCEL', amount: 1000, currency: 'CNY', reason: 'cancelled after payment: buyer changed mind' });
    expect(refund?.causationid).toBe(cancelled.id);
  });

  it('holds a payment for a cancelled, unpaid order for review, without a second cancellation', async () => {
    await publish(ShopOrderCreated, 'SO-LATE', { order: shopOrder('SO-LATE') });
    await publish(ShopOrderCancelled, 'SO-LATE', { shopOrderId: 'SO-LATE', cancelledAt: at });
    await orderOf('SO-LATE', 'CANCELLED');
    await publish(PaymentReceived, 'SO-LATE', { provider: 'alipay', tradeNo: 'T-LATE', shopOrderId: 'SO-LATE', amount: 1000, currency: 'CNY', paidAt: at });
    const order = await orderOf('SO-LATE', 'IN_REVIEW');
    expect((await historyOf(order.id)).map((h) => [h.to_state, h.reason])).toEqual([
      ['AWAITING_PAYMENT', null],
      ['CANCELLED', 'cancelled by the shop'],
      ['IN_REVIEW', 'payment T-LATE of 1000 CNY (minor units) arrived for a cancelled order'],
    ]);
    expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-cancelled.v1']);
  });

  it('follows approval, allocation and delivery to COMPLETED', async () => {
    await publish(ShopOrderPaid, 'SO-HAPPY', paidEvent('SO-HAPPY', 'P-HAPPY'));
    const order = await orderOf('SO-HAPPY', 'PAID');
    await publish(RiskAssessed, order.id, {
      orderId: order.id,
      assessmentId: 'A-1',
      decision: 'approve',
      score: 0,
      ruleSetVersion: 1,
      decidedBy: 'engine',
      firedRules: [],
      assessedAt: at,
    });
    await orderOf('SO-HAPPY', 'APPROVED');
    const sealed = { kid: 'k1', epk: 'e', iv: 'i', ciphertext: 'c', tag: 't' };
    await publish(CardsAllocated, order.id, { orderId: order.id, allocationId: 'AL-1', lines: [{ lineId: 'L1', productId: 'P1', cards: [{ cardId: 'C1', secret: sealed }] }], allocatedAt: at });
    await orderOf('SO-HAPPY', 'ALLOCATED');
    const byEmail = await publish(DeliverySucceeded, order.id, { orderId: order.id, deliveryId: 'D-1', channel: 'email', attempts: 1, deliveredAt: at });
    const bySms = await publish(DeliverySucceeded, order.id, { orderId: order.id, deliveryId: 'D-2', channel: 'sms', attempts: 1, deliveredAt: at });
    expect((await orderOf('SO-HAPPY', 'COMPLETED')).state).toBe('COMPLETED');
    await handled(byEmail, bySms);

    expect((await historyOf(order.id)).map((h) => h.to_state)).toEqual(['AWAITING_PAYMENT', 'PAID', 'APPROVED', 'ALLOCATED', 'DELIVERED', 'COMPLETED']);
    expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-paid.v1', 'cardlink.orders.order-approved.v1', 'cardlink.orders.order-completed.v1']);
  });

  it('shows an order with its state history and the buyer\'s contacts masked', async () => {
    const order = await orderOf('SO-HAPPY', 'COMPLETED');
    const response = await fetch(`http://127.0.0.1:${port}/orders/${order.id}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('buyer@example.com');
    expect(text).not.toContain('13812345678');
    const body = JSON.parse(text) as { state: string; buyer: { email: string; phone: string }; history: { from: string | null; to: string; causeEventId: string }[]; payments: unknown[] };
    expect(body.state).toBe('COMPLETED');
    expect(body.buyer).toMatchObject({ email: expect.stringMatching(/^b\*+@example\.com$/), phone: expect.stringContaining('****') });
    expect(body.history.map((h) => h.to)).toEqual(['AWAITING_PAYMENT', 'PAID', 'APPROVED', 'ALLOCATED', 'DELIVERED', 'COMPLETED']);
    expect(body.history.every((h) => h.causeEventId.length > 0)).toBe(true);
    expect(body.payments).toEqual([expect.objectContaining({ reference: 'P-HAPPY', outcome: 'matched', amount: 1000 })]);
  });

  it('answers 404 for an unknown order and 400 for an id that is not ours', async () => {
    const unknown = await fetch(`http://127.0.0.1:${port}/orders/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('no order 00000000-0000-4000-8000-000000000000');
    const shopId = await fetch(`http://127.0.0.1:${port}/orders/SO-HAPPY`);
    expect(shopId.status).toBe(400);
    expect(await shopId.text()).toContain('order id must be a UUID');
  });
});
