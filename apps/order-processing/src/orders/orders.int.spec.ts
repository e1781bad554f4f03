import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import {
  CardsAllocated,
  createEnvelope,
  DeliveryFailed,
  DeliverySucceeded,
  OutOfStock,
  PaymentReceived,
  RiskAssessed,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  ShopOrderRefunded,
  TOPICS,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
} from '@cardlink/contracts';
import { decodeEvent, encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';
import { RefundSender } from '../refunds/refund-sender';
import { BackorderSweep } from './backorder-sweep';

const at = '2026-11-27T01:00:00.000Z';

function shopOrder(shopOrderId: string, totalAmount = 1000, createdAt = at) {
  return {
    shopOrderId,
    buyer: { buyerId: `buyer-${shopOrderId}`, email: 'buyer@example.com', phone: '13812345678' },
    lines: [{ lineId: 'L1', productId: 'P1', quantity: 2, unitPrice: totalAmount / 2 }],
    totalAmount,
    currency: 'CNY',
    createdAt,
  };
}

function paidEvent(shopOrderId: string, paymentId: string, amount = 1000, createdAt = at): EventData<typeof ShopOrderPaid> {
  return { order: shopOrder(shopOrderId, 1000, createdAt), payment: { paymentId, channel: 'alipay', amount, currency: 'CNY', paidAt: at } };
}

function assessment(orderId: string, decision: 'approve' | 'reject' | 'review', decidedBy: 'engine' | 'reviewer' = 'engine'): EventData<typeof RiskAssessed> {
  return {
    orderId,
    assessmentId: `A-${orderId}-${decision}-${decidedBy}`,
    decision,
    score: decision === 'approve' ? 0 : 80,
    ruleSetVersion: 1,
    decidedBy,
    firedRules: decision === 'approve' ? [] : [{ ruleId: 'blocked-email', mode: 'live', weight: 80, reason: 'email on the block list', observed: { listed: true } }],
    assessedAt: at,
  };
}

interface RefundCall {
  shopOrderId: string;
  idempotencyKey: string | undefined;
  body: { refundId: string; amount: { amount: number; currency: string }; reason: string };
  answered: number;
}

/** Plays the shop's API for refunds: a token endpoint and POST /api/orders/:id/refunds, with an injectable 503. */
class FakeShop {
  readonly refunds: RefundCall[] = [];
  failNextRefunds = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Distinct refunds the shop accepted, by refundId. */
  accepted(shopOrderId: string): string[] {
    return [...new Set(this.refunds.filter((r) => r.shopOrderId === shopOrderId && r.answered === 201).map((r) => r.body.refundId))];
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    if (request.url === '/oauth/token') return { status: 200, body: { access_token: 'shop-token', token_type: 'Bearer', expires_in: 3600 } };
    if (request.headers.authorization !== 'Bearer shop-token') return { status: 401, body: { error: 'invalid_token', message: 'no token' } };
    const match = /^\/api\/orders\/([^/]+)\/refunds$/.exec(request.url ?? '');
    if (!match?.[1] || request.method !== 'POST') return { status: 404, body: { error: 'not_found', message: request.url } };
    const call: RefundCall = {
      shopOrderId: decodeURIComponent(match[1]),
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      body: JSON.parse(text) as RefundCall['body'],
      answered: 201,
    };
    this.refunds.push(call);
    if (this.failNextRefunds > 0) {
      this.failNextRefunds -= 1;
      call.answered = 503;
      return { status: 503, body: { error: 'unavailable', message: 'try again' } };
    }
    return { status: 201, body: { refundId: call.body.refundId, status: 'accepted' } };
  }
}

describe('order-processing against real Kafka and Postgres', () => {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let db: Client;
  let port = 0;
  const shop = new FakeShop();
  const reader = testCredential('rita', ['orders:read']);
  const writer = testCredential('walt', ['orders:read', 'orders:write']);
  const writeOnly = testCredential('wendy', ['orders:write']);
  const backorderWaitMs = 1_500;

  /** Calls the admin API as `as` (default: the reader); `as: null` sends no credential. */
  function api(path: string, init: { method?: string; body?: unknown; as?: { authorization: string } | null } = {}): Promise<Response> {
    const caller = init.as === undefined ? reader : init.as;
    return fetch(`http://127.0.0.1:${port}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(caller === null ? {} : { authorization: caller.authorization }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

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
    port = await freePort();
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'orders' });
    prefix = await createTestTopics(kafka);
    const shopUrl = await shop.start();
    Object.assign(process.env, {
      ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `order-processing-${prefix}` }),
      ...credentialsEnv(reader, writer, writeOnly),
      SHOP_API_URL: shopUrl,
      SHOP_CLIENT_ID: 'cardlink',
      SHOP_CLIENT_SECRET: 'test-secret',
      // One attempt per call, so the refund sender's own retries (with the same refundId) are what is shown.
      SHOP_API_MAX_ATTEMPTS: '1',
      REFUND_POLL_INTERVAL_MS: '100',
      REFUND_RETRY_BASE_MS: '200',
      OUT_OF_STOCK_REFUND_AFTER_MS: String(backorderWaitMs),
      OUT_OF_STOCK_SWEEP_INTERVAL_MS: '200',
    });
    service = await bootstrapService({ service: 'order-processing', configSchema, module: AppModule });
    db = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await producer.disconnect();
    await service?.shutdown();
    await shop.stop();
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
    // The refund sender takes it from REFUND_REQUESTED to the shop at once.
    const order = await orderOf('SO-CANCEL', 'REFUNDED');
    await handled(cancelled, cancelledAgain);

    expect((await historyOf(order.id)).slice(2, 4)).toEqual([
      { from_state: 'PAID', to_state: 'CANCELLED', reason: 'buyer changed mind', cause_event_id: cancelled.id },
      { from_state: 'CANCELLED', to_state: 'REFUND_REQUESTED', reason: 'cancelled after payment: buyer changed mind', cause_event_id: cancelled.id },
    ]);
    expect(shop.accepted('SO-CANCEL')).toHaveLength(1);
    expect(await eventsOf(order.id)).toEqual([
      'cardlink.orders.order-paid.v1',
      'cardlink.orders.order-cancelled.v1',
      'cardlink.orders.refund-requested.v1',
    ]);
    const published = await readTopic(kafka, `${prefix}${TOPICS.orderLifecycle}`, (m) => m.filter((x) => x.message.key?.toString() === order.id).length >= 3);
    const refund = published.map((m) => decodeEvent(m.message)).find((e) => e.subject === order.id && e.type === 'cardlink.orders.refund-requested.v1');
    expect(refund?.data).toMatchObject({ shopOrderId: 'SO-CANCEL', amount: 1000, currency: 'CNY', reason: 'cancelled after payment: buyer changed mind', refundId: shop.accepted('SO-CANCEL')[0] });
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
    const response = await api(`/orders/${order.id}`);
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
    const unknown = await api('/orders/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('no order 00000000-0000-4000-8000-000000000000');
    const shopId = await api('/orders/SO-HAPPY');
    expect(shopId.status).toBe(400);
    expect(await shopId.text()).toContain('order id must be a UUID');
  });

  describe('refunds, backorders, reviews and staff commands', () => {
    async function paidOrder(shopOrderId: string, createdAt = at): Promise<{ id: string; state: string }> {
      await publish(ShopOrderPaid, shopOrderId, paidEvent(shopOrderId, `P-${shopOrderId}`, 1000, createdAt));
      return orderOf(shopOrderId, 'PAID');
    }

    async function refundOf(orderId: string) {
      const [row] = await query<{ id: string; status: string; attempts: number; last_error: string | null }>(
        'SELECT id, status, attempts, last_error FROM refund_requests WHERE order_id = $1',
        [orderId],
      );
      return row;
    }

    it('refunds a rejected order at once, through the shop, once, retrying until the shop acknowledges', async () => {
      shop.failNextRefunds = 1;
      const order = await paidOrder('SO-REJECT');
      const rejected = await publish(RiskAssessed, order.id, assessment(order.id, 'reject'));
      await orderOf('SO-REJECT', 'REFUNDED');

      const calls = shop.refunds.filter((r) => r.shopOrderId === 'SO-REJECT');
      expect(calls.map((c) => c.answered)).toEqual([503, 201]);
      const refund = await refundOf(order.id);
      expect(refund).toMatchObject({ status: 'acknowledged', attempts: 2, last_error: null });
      // Every attempt carries the same refund id and idempotency key: the shop refunds once.
      expect(new Set(calls.map((c) => c.body.refundId))).toEqual(new Set([refund?.id]));
      expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
      expect(calls[1]?.body).toEqual({ refundId: refund?.id, amount: { amount: 1000, currency: 'CNY' }, reason: 'rejected by risk control: email on the block list' });

      expect((await historyOf(order.id)).slice(2)).toEqual([
        { from_state: 'PAID', to_state: 'REJECTED', reason: 'email on the block list', cause_event_id: rejected.id },
        { from_state: 'REJECTED', to_state: 'REFUND_REQUESTED', reason: 'rejected by risk control: email on the block list', cause_event_id: rejected.id },
        { from_state: 'REFUND_REQUESTED', to_state: 'REFUNDED', reason: `the shop accepted refund ${refund?.id}`, cause_event_id: `refund:${refund?.id}` },
      ]);
      expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-paid.v1', 'cardlink.orders.refund-requested.v1']);

      // The shop's order-refunded webhook for the same refund confirms it and changes nothing.
      const webhook = await publish(ShopOrderRefunded, 'SO-REJECT', { shopOrderId: 'SO-REJECT', refundId: refund?.id ?? '', amount: 1000, currency: 'CNY', refundedAt: at });
      await handled(webhook);
      expect((await historyOf(order.id)).map((h) => h.to_state)).toEqual(['AWAITING_PAYMENT', 'PAID', 'REJECTED', 'REFUND_REQUESTED', 'REFUNDED']);
      await new Promise((r) => setTimeout(r, 500));
      expect(shop.accepted('SO-REJECT')).toEqual([refund?.id]);
      expect(shop.refunds.filter((r) => r.shopOrderId === 'SO-REJECT')).toHaveLength(2);
    });

    it('refunds an order that stayed out of stock longer than the configured time, and not before', async () => {
      const order = await paidOrder('SO-BACKORDER');
      await publish(RiskAssessed, order.id, assessment(order.id, 'approve'));
      await orderOf('SO-BACKORDER', 'APPROVED');
      await publish(OutOfStock, order.id, { orderId: order.id, lines: [{ lineId: 'L1', productId: 'P1', requested: 2, available: 0 }], at });
      await orderOf('SO-BACKORDER', 'OUT_OF_STOCK');
      await orderOf('SO-BACKORDER', 'REFUNDED');

      const history = await query<{ to_state: string; reason: string | null; cause_event_id: string; occurred_at: Date }>(
        'SELECT to_state, reason, cause_event_id, occurred_at FROM order_state_history WHERE order_id = $1 ORDER BY id',
        [order.id],
      );
      expect(history.map((h) => h.to_state)).toEqual(['AWAITING_PAYMENT', 'PAID', 'APPROVED', 'OUT_OF_STOCK', 'REFUND_REQUESTED', 'REFUNDED']);
      const [outOfStock, refundRequested] = [history[3], history[4]];
      expect(refundRequested?.reason).toBe('out of stock for more than 1.5 s');
      expect((refundRequested?.occurred_at.getTime() ?? 0) - (outOfStock?.occurred_at.getTime() ?? 0)).toBeGreaterThanOrEqual(backorderWaitMs - 50);
      // The sweep's transition is caused by the RefundRequested event it published.
      expect(await query('SELECT event_type FROM outbox WHERE event_id = $1', [refundRequested?.cause_event_id])).toEqual([{ event_type: 'cardlink.orders.refund-requested.v1' }]);
      expect(shop.accepted('SO-BACKORDER')).toHaveLength(1);
    });

    it('refunds each backorder once while several sweeps and senders run at the same time (as replicas would)', async () => {
      const shopOrderIds = ['SO-RACE-1', 'SO-RACE-2', 'SO-RACE-3', 'SO-RACE-4', 'SO-RACE-5', 'SO-RACE-6'];
      const orders = await Promise.all(shopOrderIds.map((id) => paidOrder(id)));
      for (const order of orders) await publish(RiskAssessed, order.id, assessment(order.id, 'approve'));
      await Promise.all(shopOrderIds.map((id) => orderOf(id, 'APPROVED')));
      for (const order of orders) await publish(OutOfStock, order.id, { orderId: order.id, lines: [{ lineId: 'L1', productId: 'P1', requested: 2, available: 0 }], at });
      await Promise.all(shopOrderIds.map((id) => orderOf(id, 'OUT_OF_STOCK')));
      await new Promise((r) => setTimeout(r, backorderWaitMs));

      const sweep = service?.app.get(BackorderSweep);
      const sender = service?.app.get(RefundSender);
      await Promise.all(
        [1, 2, 3].map(async () => {
          for (let round = 0; round < 5; round += 1) {
            await sweep?.sweep();
            await sender?.sendDue();
          }
        }),
      );
      await Promise.all(shopOrderIds.map((id) => orderOf(id, 'REFUNDED')));

      const ids = orders.map((o) => o.id);
      expect(
        await query('SELECT count(*)::int AS n FROM order_state_history WHERE order_id = ANY($1) AND to_state = $2 GROUP BY order_id', [ids, 'REFUND_REQUESTED']),
      ).toEqual(ids.map(() => ({ n: 1 })));
      expect(await query('SELECT count(*)::int AS n FROM refund_requests WHERE order_id = ANY($1)', [ids])).toEqual([{ n: 6 }]);
      for (const id of shopOrderIds) expect(shop.refunds.filter((r) => r.shopOrderId === id).map((r) => r.answered)).toEqual([201]);
    });

    it("moves a held order on when the reviewer's final decision arrives", async () => {
      const order = await paidOrder('SO-REVIEW');
      await publish(RiskAssessed, order.id, assessment(order.id, 'review'));
      await orderOf('SO-REVIEW', 'IN_REVIEW');
      const decided = await publish(RiskAssessed, order.id, assessment(order.id, 'approve', 'reviewer'));
      await orderOf('SO-REVIEW', 'APPROVED');
      await handled(decided);
      expect((await historyOf(order.id)).map((h) => h.to_state)).toEqual(['AWAITING_PAYMENT', 'PAID', 'IN_REVIEW', 'APPROVED']);
      expect(await eventsOf(order.id)).toEqual(['cardlink.orders.order-paid.v1', 'cardlink.orders.order-approved.v1']);
    });

    it('lets staff retry a failed delivery once, publishing the request for delivery, and refuses it where it does not apply', async () => {
      const order = await paidOrder('SO-UNDELIVERED');
      await publish(RiskAssessed, order.id, assessment(order.id, 'approve'));
      await orderOf('SO-UNDELIVERED', 'APPROVED');
      const sealed = { kid: 'k1', epk: 'e', iv: 'i', ciphertext: 'c', tag: 't' };
      await publish(CardsAllocated, order.id, { orderId: order.id, allocationId: 'AL-U', lines: [{ lineId: 'L1', productId: 'P1', cards: [{ cardId: 'CU', secret: sealed }] }], allocatedAt: at });
      await orderOf('SO-UNDELIVERED', 'ALLOCATED');
      await publish(DeliveryFailed, order.id, { orderId: order.id, deliveryId: 'D-U', channel: 'email', attempts: 5, permanent: true, reason: 'mailbox unavailable', failedAt: at });
      await orderOf('SO-UNDELIVERED', 'DELIVERY_FAILED');

      const forbidden = await api(`/orders/${order.id}/retry-delivery`, { method: 'POST', body: {}, as: reader });
      expect(forbidden.status).toBe(403);
      const retried = await api(`/orders/${order.id}/retry-delivery`, { method: 'POST', body: { reason: 'buyer fixed the address' }, as: writer });
      expect(retried.status).toBe(202);
      expect(await retried.json()).toEqual({ id: order.id, state: 'ALLOCATED' });
      const again = await api(`/orders/${order.id}/retry-delivery`, { method: 'POST', body: {}, as: writer });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { message: string }).message).toBe('the order is ALLOCATED: its delivery is still in progress');

      const history = await historyOf(order.id);
      expect(history.at(-1)).toMatchObject({ from_state: 'DELIVERY_FAILED', to_state: 'ALLOCATED', reason: 'walt: buyer fixed the address' });
      const [retryEvent] = await query<{ event_id: string; payload: string }>(
        `SELECT event_id, payload FROM outbox WHERE message_key = $1 AND event_type = 'cardlink.orders.delivery-retry-requested.v1'`,
        [order.id],
      );
      expect(retryEvent?.event_id).toBe(history.at(-1)?.cause_event_id);
      expect(JSON.parse(retryEvent?.payload ?? '{}')).toMatchObject({ orderId: order.id, shopOrderId: 'SO-UNDELIVERED', requestedBy: 'walt', reason: 'walt: buyer fixed the address' });

      await publish(DeliverySucceeded, order.id, { orderId: order.id, deliveryId: 'D-U', channel: 'email', attempts: 6, deliveredAt: at });
      await orderOf('SO-UNDELIVERED', 'COMPLETED');
      const late = await api(`/orders/${order.id}/refund`, { method: 'POST', body: { reason: 'too late' }, as: writer });
      expect(late.status).toBe(409);
      expect(((await late.json()) as { message: string }).message).toBe('the order is COMPLETED: its cards may already be with the buyer; refund it through after-sale');
    });

    it('lets staff refund a held order: the payment received goes back, once', async () => {
      const held = await orderOf('SO-SHORT', 'IN_REVIEW');
      const missingReason = await api(`/orders/${held.id}/refund`, { method: 'POST', body: {}, as: writer });
      expect(missingReason.status).toBe(400);
      expect(((await missingReason.json()) as { message: string }).message).toBe('reason: expected a text');
      const readOnly = await api(`/orders/${held.id}/refund`, { method: 'POST', body: { reason: 'short payment' }, as: reader });
      expect(readOnly.status).toBe(403);

      const refunded = await api(`/orders/${held.id}/refund`, { method: 'POST', body: { reason: 'short payment' }, as: writer });
      expect(refunded.status).toBe(202);
      const answer = (await refunded.json()) as { state: string; refundId: string };
      expect(answer.state).toBe('REFUND_REQUESTED');
      await orderOf('SO-SHORT', 'REFUNDED');
      expect(shop.refunds.filter((r) => r.shopOrderId === 'SO-SHORT').map((r) => r.body)).toEqual([
        { refundId: answer.refundId, amount: { amount: 900, currency: 'CNY' }, reason: 'walt: short payment' },
      ]);
      const twice = await api(`/orders/${held.id}/refund`, { method: 'POST', body: { reason: 'again' }, as: writer });
      expect(twice.status).toBe(409);

      const detail = (await (await api(`/orders/${held.id}`)).json()) as { refund: { refundId: string; status: string; attempts: number }; history: { to: string }[] };
      expect(detail.refund).toMatchObject({ refundId: answer.refundId, status: 'acknowledged', attempts: 1 });
      expect(detail.history.map((h) => h.to)).toEqual(['AWAITING_PAYMENT', 'IN_REVIEW', 'REFUND_REQUESTED', 'REFUNDED']);
    });

    it('stops sending a refund the shop already made on its own, and closes it as superseded', async () => {
      await publish(ShopOrderPaid, 'SO-DISPUTE', paidEvent('SO-DISPUTE', 'P-DISPUTE', 900));
      const held = await orderOf('SO-DISPUTE', 'IN_REVIEW');
      shop.failNextRefunds = 1_000;
      const requested = await api(`/orders/${held.id}/refund`, { method: 'POST', body: { reason: 'short payment' }, as: writer });
      expect(requested.status).toBe(202);
      await eventually(() => refundOf(held.id), (r) => (r?.attempts ?? 0) >= 1 && r?.last_error !== null);
      expect((await refundOf(held.id))?.last_error).toContain('503 unavailable');

      const refundedByShop = await publish(ShopOrderRefunded, 'SO-DISPUTE', { shopOrderId: 'SO-DISPUTE', refundId: 'shop-dispute-1', amount: 900, currency: 'CNY', refundedAt: at });
      await orderOf('SO-DISPUTE', 'REFUNDED');
      await handled(refundedByShop);
      const callsThen = shop.refunds.filter((r) => r.shopOrderId === 'SO-DISPUTE').length;
      await new Promise((r) => setTimeout(r, 1_000));
      shop.failNextRefunds = 0;
      expect(shop.refunds.filter((r) => r.shopOrderId === 'SO-DISPUTE')).toHaveLength(callsThen);
      expect((await refundOf(held.id))?.status).toBe('superseded');
      expect((await historyOf(held.id)).at(-1)).toMatchObject({ to_state: 'REFUNDED', reason: 'refunded by the shop (refund shop-dispute-1)', cause_event_id: refundedByShop.id });
    });

    it('lists orders by state and time, paged, with contacts masked', async () => {
      const october = (day: number) => `2026-10-${String(day).padStart(2, '0')}T08:00:00.000Z`;
      for (const day of [1, 2, 3, 4]) await paidOrder(`SO-LIST-${day}`, october(day));
      await publish(ShopOrderCreated, 'SO-LIST-5', { order: shopOrder('SO-LIST-5', 1000, october(5)) });
      await orderOf('SO-LIST-5', 'AWAITING_PAYMENT');

      const october2to4 = await api('/orders?state=PAID&from=2026-10-02&to=2026-10-04T08:00:00Z');
      expect(october2to4.status).toBe(200);
      const text = await october2to4.text();
      expect(text).not.toContain('buyer@example.com');
      expect(text).not.toContain('13812345678');
      const body = JSON.parse(text) as { items: { shopOrderId: string; state: string; buyer: { email: string } }[]; total: number; page: number; pageSize: number };
      expect(body.items.map((o) => o.shopOrderId)).toEqual(['SO-LIST-3', 'SO-LIST-2']);
      expect(body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
      expect(body.items[0]?.buyer.email).toMatch(/^b\*+@example\.com$/);

      const bothStates = (await (await api('/orders?state=paid,awaiting_payment&from=2026-10-01&to=2026-10-06&pageSize=2&page=2')).json()) as typeof body;
      expect(bothStates.items.map((o) => o.shopOrderId)).toEqual(['SO-LIST-3', 'SO-LIST-2']);
      expect(bothStates.total).toBe(5);
      const awaiting = (await (await api('/orders?state=AWAITING_PAYMENT&from=2026-10-01&to=2026-10-06')).json()) as typeof body;
      expect(awaiting.items.map((o) => o.shopOrderId)).toEqual(['SO-LIST-5']);
    });

    it('answers clear 400s for a bad list query', async () => {
      const cases: [string, string][] = [
        ['/orders?state=SHIPPED', 'state.0: expected one or more of AWAITING_PAYMENT'],
        ['/orders?from=yesterday', 'from: expected an ISO 8601 date or time'],
        ['/orders?from=2026-10-05&to=2026-10-01', 'to: must be after from'],
        ['/orders?pageSize=0', 'pageSize: at least 1'],
        ['/orders?page=x', 'page: expected a page number'],
        ['/orders?status=PAID', 'unknown parameter(s) status; expected state, from, to, page, pageSize'],
      ];
      for (const [path, message] of cases) {
        const response = await api(path);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(((await response.json()) as { message: string }).message).toContain(message);
      }
    });

    it('counts every committed transition once in /metrics, and the paid-to-delivered time of delivered orders', async () => {
      // Let everything in flight (refunds, sweeps) settle before comparing.
      await new Promise((r) => setTimeout(r, 1_000));
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const counted = new Map<string, number>();
      for (const match of text.matchAll(/^cardlink_order_transitions_total\{([^}]*)\} (\d+)$/gm)) {
        const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        counted.set(`${labels['from']}>${labels['to']}`, Number(match[2]));
      }
      const stored = await query<{ edge: string; n: number }>(
        `SELECT from_state || '>' || to_state AS edge, count(*)::int AS n FROM order_state_history WHERE from_state IS NOT NULL GROUP BY 1`,
      );
      expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(stored.map((r) => [r.edge, r.n])));
      const delivered = stored.filter((r) => r.edge.endsWith('>DELIVERED')).reduce((sum, r) => sum + r.n, 0);
      expect(delivered).toBeGreaterThan(0);
      expect(text).toMatch(new RegExp(`^cardlink_order_paid_to_delivered_seconds_count(\\{[^}]*\\})? ${delivered}$`, 'm'));
    });

    it('closes the order API to callers without a credential (401) or without the scope (403)', async () => {
      expect((await api('/orders', { as: null })).status).toBe(401);
      expect((await api('/orders', { as: { authorization: 'Bearer not-a-known-token' } })).status).toBe(401);
      expect((await api('/orders/00000000-0000-4000-8000-000000000000', { as: null })).status).toBe(401);
      const writeOnlyList = await api('/orders', { as: writeOnly });
      expect(writeOnlyList.status).toBe(403);
      expect(await writeOnlyList.text()).toContain('orders:read');
      expect((await api('/orders/00000000-0000-4000-8000-000000000000/refund', { method: 'POST', body: { reason: 'x' }, as: null })).status).toBe(401);
      expect((await api('/orders', { as: writer })).status).toBe(200);
    });
  });
});
