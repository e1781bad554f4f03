import { Client } from 'pg';
import { credentialsEnv, testCredential, type TestCredential } from '@cardlink/auth/testing';
import { CardsAllocated, createEnvelope, DeliverySucceeded, RiskAssessed, ShopOrderPaid, ShopOrderRefunded, type EventData, type EventDefinition } from '@cardlink/contracts';
import { encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { startShopSimulator, type PlacedOrder, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

const SHOP_CLIENT = { clientId: 'cardlink', clientSecret: 'test-secret' };

/**
 * order-processing against real Kafka and Postgres with the shop simulator over
 * HTTP, for the reconciliation and settlement tests: orders are sold in the
 * simulator and reported to order-processing as the gateway would, then driven
 * to delivery or refund with the events risk control, inventory and delivery
 * would send. Refunds go to the simulator through the real RefundSender.
 */
class MoneyTestWorld {
  sim!: RunningShopSimulator;
  db!: Client;
  port = 0;
  private readonly kafka = testKafka();
  private readonly producer = new EventProducer(this.kafka);
  private schema: TestSchema | undefined;
  private prefix = '';
  private service: RunningService | undefined;
  private listingId = '';

  async start(credentials: TestCredential[], env: Record<string, string> = {}): Promise<void> {
    this.sim = await startShopSimulator({ port: 0, clients: [SHOP_CLIENT] });
    this.listingId = this.sim.createListing({ externalId: 'P1', title: 'Steam 50', description: '', price: { amount: 4_850, currency: 'CNY' }, categoryIds: [], stock: 1_000, status: 'listed' }).listingId;
    this.port = await freePort();
    this.schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'orders' });
    this.prefix = await createTestTopics(this.kafka);
    Object.assign(process.env, {
      ...serviceTestEnv({ port: this.port, schema: this.schema, topicPrefix: this.prefix, brokers: TEST_BROKERS, consumerGroup: `order-processing-${this.prefix}` }),
      ...credentialsEnv(...credentials),
      SHOP_API_URL: this.sim.url,
      SHOP_CLIENT_ID: SHOP_CLIENT.clientId,
      SHOP_CLIENT_SECRET: SHOP_CLIENT.clientSecret,
      REFUND_POLL_INTERVAL_MS: '100',
      RECONCILIATION_DAILY_AT: 'off',
      RECONCILIATION_POLL_INTERVAL_MS: '200',
      ...env,
    });
    this.service = await bootstrapService({ service: 'order-processing', configSchema, module: AppModule });
    this.db = new Client({ connectionString: this.schema.url, options: `-c search_path=${this.schema.schema}` });
    await this.db.connect();
  }

  async stop(): Promise<void> {
    await this.db?.end();
    await this.producer.disconnect();
    await this.service?.shutdown();
    await this.sim?.close();
    await this.schema?.drop();
    if (this.prefix) await deleteTestTopics(this.kafka, this.prefix);
  }

  api(path: string, as: TestCredential | null, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(as === null ? {} : { authorization: as.authorization }), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  /** A buyer pays in the shop (the simulator records the payment in the provider's file). */
  async sell(shopOrderId: string, channel = 'alipay', quantity = 1): Promise<PlacedOrder> {
    const result = await this.sim.placeOrder({ listingId: this.listingId, quantity, buyer: { id: `buyer-${shopOrderId}` }, shopOrderId, channel });
    if (result.outcome !== 'placed') throw new Error(`the simulator did not sell ${shopOrderId}: ${result.outcome}`);
    return result;
  }

  /** What the gateway would publish for the shop's order.paid; resolves with cardlink's order id once PAID. */
  async report(placed: PlacedOrder): Promise<string> {
    const { order, payment } = placed;
    await this.publish(ShopOrderPaid, order.shopOrderId, {
      order: { shopOrderId: order.shopOrderId, buyer: order.buyer, lines: order.lines, totalAmount: order.totalAmount, currency: order.currency, createdAt: order.createdAt },
      payment: { paymentId: payment.paymentId, channel: payment.channel, ...(payment.account ? { account: payment.account } : {}), amount: payment.amount, currency: payment.currency, paidAt: payment.paidAt },
    });
    return (await this.reach(order.shopOrderId, 'PAID')).id;
  }

  /** Approved, allocated and delivered: COMPLETED. */
  async deliver(placed: PlacedOrder): Promise<string> {
    const id = await this.report(placed);
    await this.publish(RiskAssessed, id, this.assessment(id, 'approve'));
    await this.reach(placed.order.shopOrderId, 'APPROVED');
    const sealed = { kid: 'k1', epk: 'e', iv: 'i', ciphertext: 'c', tag: 't' };
    const lines = placed.order.lines.map((l) => ({ lineId: l.lineId, productId: l.productId, cards: [{ cardId: `C-${l.lineId}`, secret: sealed }] }));
    await this.publish(CardsAllocated, id, { orderId: id, allocationId: `AL-${id}`, lines, allocatedAt: new Date().toISOString() });
    await this.reach(placed.order.shopOrderId, 'ALLOCATED');
    await this.publish(DeliverySucceeded, id, { orderId: id, deliveryId: `D-${id}`, channel: 'email', attempts: 1, deliveredAt: new Date().toISOString() });
    await this.reach(placed.order.shopOrderId, 'COMPLETED');
    return id;
  }

  /** Rejected by risk control and refunded through the shop (the simulator's provider file shows the refund). */
  async refund(placed: PlacedOrder): Promise<string> {
    const id = await this.report(placed);
    await this.publish(RiskAssessed, id, this.assessment(id, 'reject'));
    await this.reach(placed.order.shopOrderId, 'REFUNDED');
    return id;
  }

  /** The shop refunded the order on its own (a dispute, after-sale): its order.refunded webhook as the gateway publishes it. */
  async shopRefund(placed: PlacedOrder, refundedAt: string): Promise<void> {
    const { order } = placed;
    await this.publish(ShopOrderRefunded, order.shopOrderId, { shopOrderId: order.shopOrderId, refundId: `RF-${order.shopOrderId}`, amount: order.totalAmount, currency: order.currency, refundedAt });
    await this.reach(order.shopOrderId, 'REFUNDED');
  }

  async reach(shopOrderId: string, state: string): Promise<{ id: string; state: string }> {
    const rows = await this.eventually(
      () => this.query<{ id: string; state: string }>('SELECT id, state FROM orders WHERE shop_order_id = $1', [shopOrderId]),
      (r) => r[0]?.state === state,
    );
    const order = rows[0];
    if (order?.state !== state) throw new Error(`shop order ${shopOrderId} is in ${order?.state ?? 'no order'}, expected ${state}`);
    return order;
  }

  private assessment(orderId: string, decision: 'approve' | 'reject'): EventData<typeof RiskAssessed> {
    return {
      orderId,
      assessmentId: `A-${orderId}`,
      decision,
      score: decision === 'approve' ? 0 : 90,
      ruleSetVersion: 1,
      decidedBy: 'engine',
      firedRules: decision === 'approve' ? [] : [{ ruleId: 'blocked-email', mode: 'live', weight: 90, reason: 'email on the block list', observed: { listed: true } }],
      assessedAt: new Date().toISOString(),
    };
  }

  private async publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>): Promise<void> {
    const envelope = createEnvelope(definition, { source: 'test', subject, data });
    await this.producer.send([{ topic: `${this.prefix}${definition.topic}`, ...encodeEvent(envelope) }]);
  }
}

interface RunView {
  id: string;
  status: string;
  phase: string;
  pass: number;
  attempts: number;
  created: boolean;
  findingCount: number;
  findings: { kind: string; shopOrderId: string; orderId: string | null; description: string; resolvedAt: string | null }[];
}

describe('reconciliation and settlement against the shop simulator, real Kafka and Postgres', () => {
  const world = new MoneyTestWorld();
  const runner = testCredential('rory', ['reconciliation:run', 'reconciliation:read']);
  const auditor = testCredential('aude', ['reconciliation:read', 'settlement:read']);
  const treasurer = testCredential('tess', ['settlement:read', 'settlement:write']);

  beforeAll(() => world.start([runner, auditor, treasurer], { RECONCILIATION_PAGE_SIZE: '2', RECONCILIATION_DELIVERY_DEADLINE_MS: '1000' }), 90_000);
  afterAll(() => world.stop());

  /** Starts (or repeats) the run for the range and waits until it completed. */
  async function reconcileRange(from: Date, to: Date): Promise<RunView> {
    const started = await world.api('/reconciliation/runs', runner, { method: 'POST', body: { from: from.toISOString(), to: to.toISOString() } });
    expect(started.status).toBe(202);
    const { id, created } = (await started.json()) as RunView;
    const run = await world.eventually(
      async () => (await (await world.api(`/reconciliation/runs/${id}`, auditor)).json()) as RunView,
      (r) => r.status === 'completed',
    );
    expect(run.status).toBe('completed');
    return { ...run, created };
  }

  async function metric(kind: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${world.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('cardlink_reconciliation_findings{') && l.includes(`kind="${kind}"`));
    return Number(line?.split(' ').at(-1));
  }

  describe('reconciliation', () => {
    let differences: RunView;
    let range: { from: Date; to: Date };

    it('finds exactly one finding of each kind planted in the shop, provider and cardlink data, and nothing about the clean order', async () => {
      const from = new Date();
      const clean = await world.sell('R-CLEAN');
      const unknown = await world.sell('R-UNKNOWN');
      const notInShop = await world.sell('R-NOT-IN-SHOP');
      const unknownPayment = await world.sell('R-UNKNOWN-PAYMENT');
      const missing = await world.sell('R-MISSING');
      const deliveredUnpaid = await world.sell('R-DELIVERED-UNPAID', 'wechat');
      const amount = await world.sell('R-AMOUNT');
      const late = await world.sell('R-LATE');
      const twice = await world.sell('R-TWICE');
      const to = new Date(Date.now() + 1);
      range = { from, to };
      expect(unknown.order.shopOrderId).toBe('R-UNKNOWN');

      await world.deliver(clean);
      await world.deliver(notInShop);
      await world.report(missing);
      await world.deliver(deliveredUnpaid);
      await world.deliver(amount);
      await world.report(late);
      await world.refund(twice);
      world.sim.plantDiscrepancy('R-NOT-IN-SHOP', { hiddenFromOrderList: true });
      world.sim.plantDiscrepancy(unknownPayment.order.shopOrderId, { hiddenFromOrderList: true });
      world.sim.plantDiscrepancy('R-MISSING', { omitPaymentFromSettlement: true });
      world.sim.plantDiscrepancy('R-DELIVERED-UNPAID', { omitPaymentFromSettlement: true });
      world.sim.plantDiscrepancy('R-AMOUNT', { settledAmount: 4_800 });
      world.sim.plantDiscrepancy('R-TWICE', { extraSettlementRefund: { refundId: 'RF-PROVIDER-AGAIN', amount: 4_850 } });
      // R-LATE waits past the 1 s deadline for a risk decision that never comes.
      await new Promise((r) => setTimeout(r, 1_100));

      differences = await reconcileRange(from, to);

      expect(differences.findings.map((f) => [f.kind, f.shopOrderId])).toEqual([
        ['amount_mismatch', 'R-AMOUNT'],
        ['delivered_unpaid', 'R-DELIVERED-UNPAID'],
        ['missing_in_provider', 'R-MISSING'],
        ['not_in_shop', 'R-NOT-IN-SHOP'],
        ['refunded_twice', 'R-TWICE'],
        ['undelivered_unrefunded', 'R-LATE'],
        ['unknown_order', 'R-UNKNOWN'],
        ['unknown_payment', 'R-UNKNOWN-PAYMENT'],
      ]);
      expect(differences).toMatchObject({ created: true, pass: 1, findingCount: 8 });
      expect(differences.findings.find((f) => f.kind === 'amount_mismatch')?.description).toBe(
        'amounts for R-AMOUNT differ: shop total 4850 CNY, order total 4850 CNY, our payment 4850 CNY, provider payment 4800 CNY',
      );
      expect(differences.findings.find((f) => f.kind === 'unknown_order')?.orderId).toBeNull();
      expect(JSON.stringify(differences.findings)).not.toContain('buyer-');
      for (const kind of ['unknown_order', 'not_in_shop', 'unknown_payment', 'missing_in_provider', 'delivered_unpaid', 'amount_mismatch', 'undelivered_unrefunded', 'refunded_twice']) {
        expect(await metric(kind)).toBe(1);
      }
    }, 120_000);

    it('exports the findings as CSV and keeps runs closed to callers without the scope', async () => {
      const csv = await world.api(`/reconciliation/runs/${differences.id}/findings.csv`, auditor);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toBe('kind,shop_order_id,order_id,description,found_at,resolved_at');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
        'amount_mismatch,R-AMOUNT',
        'delivered_unpaid,R-DELIVERED-UNPAID',
        'missing_in_provider,R-MISSING',
        'not_in_shop,R-NOT-IN-SHOP',
        'refunded_twice,R-TWICE',
        'undelivered_unrefunded,R-LATE',
        'unknown_order,R-UNKNOWN',
        'unknown_payment,R-UNKNOWN-PAYMENT',
      ]);
      expect((await world.api(`/reconciliation/runs/${differences.id}`, null)).status).toBe(401);
      expect((await world.api('/reconciliation/runs', auditor, { method: 'POST', body: { from: '2026-11-01', to: '2026-11-02' } })).status).toBe(403);
      expect((await world.api(`/reconciliation/runs/${differences.id}`, treasurer)).status).toBe(403);
      expect((await world.api('/reconciliation/runs/not-a-uuid', auditor)).status).toBe(400);
      expect((await world.api('/reconciliation/runs/00000000-0000-4000-8000-000000000000', auditor)).status).toBe(404);
      const bad = await world.api('/reconciliation/runs', runner, { method: 'POST', body: { from: '2026-11-02', to: '2026-11-01', extra: 1 } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toBe('body: unknown field(s) extra; to: must be after from');
      const backwards = await world.api('/reconciliation/runs', runner, { method: 'POST', body: { from: '2026-11-02', to: '2026-11-01' } });
      expect(((await backwards.json()) as { message: string }).message).toBe('to: must be after from');
    });

    it('repeating the same range is the same run with the same findings, no duplicates', async () => {
      const again = await reconcileRange(range.from, range.to);

      expect(again).toMatchObject({ id: differences.id, created: false, pass: 2, findingCount: 8 });
      expect(again.findings).toEqual(differences.findings);
      expect(await world.query('SELECT count(*)::int AS n FROM reconciliation_findings')).toEqual([{ n: 8 }]);
      expect(await world.query('SELECT count(*)::int AS n FROM reconciliation_runs')).toEqual([{ n: 1 }]);
      const listed = (await (await world.api('/reconciliation/runs?status=completed', auditor)).json()) as { items: { id: string; pass: number }[]; total: number };
      expect(listed).toMatchObject({ total: 1, items: [{ id: differences.id, pass: 2 }] });
      expect((await world.api('/reconciliation/runs?state=done', auditor)).status).toBe(400);
    }, 60_000);

    it('a clean range finds nothing', async () => {
      const from = new Date();
      const alipay = await world.sell('C-ALIPAY', 'alipay', 2);
      const wechat = await world.sell('C-WECHAT', 'wechat');
      const refunded = await world.sell('C-REFUNDED', 'wechat');
      const to = new Date(Date.now() + 1);
      await world.deliver(alipay);
      await world.deliver(wechat);
      await world.refund(refunded);
      await new Promise((r) => setTimeout(r, 1_100));

      const run = await reconcileRange(from, to);

      expect(run.findings).toEqual([]);
      expect(run.findingCount).toBe(0);
    }, 60_000);

    it('a run interrupted after the first page shows where it stopped and resumes with the second, reading page 1 once', async () => {
      const from = new Date();
      const placed = [];
      for (const id of ['I-1', 'I-2', 'I-3', 'I-4', 'I-5']) placed.push(await world.sell(id));
      const to = new Date(Date.now() + 1);
      for (const order of placed) await world.deliver(order);
      await new Promise((r) => setTimeout(r, 1_100));
      const mark = world.sim.apiRequests().at(-1)?.seq ?? 0;
      // From the second request on, the order list fails with an answer the client does not retry.
      world.sim.addFault({ method: 'GET', pathPattern: '^/api/orders$', status: 400, skip: 1, times: 1_000 });

      const started = (await (await world.api('/reconciliation/runs', runner, { method: 'POST', body: { from: from.toISOString(), to: to.toISOString() } })).json()) as RunView;
      const stopped = await world.eventually(
        async () => (await (await world.api(`/reconciliation/runs/${started.id}`, auditor)).json()) as RunView & { progress: { shopPages: number }; lastError: string | null },
        (r) => r.status === 'interrupted',
      );
      expect(stopped).toMatchObject({ status: 'interrupted', phase: 'shop', progress: { shopPages: 1 }, lastError: expect.stringMatching(/GET \/api\/orders failed \(400/) });
      world.sim.clearFaults();
      const run = await world.eventually(
        async () => (await (await world.api(`/reconciliation/runs/${started.id}`, auditor)).json()) as RunView,
        (r) => r.status === 'completed',
      );

      const pages = world.sim.apiRequests(mark).filter((r) => r.path === '/api/orders').map((r) => r.query['page']);
      expect(pages.filter((p) => p === '1')).toHaveLength(1);
      expect(pages[0]).toBe('1');
      expect(pages.slice(-2)).toEqual(['2', '3']);
      expect(new Set(pages.slice(1, -1))).toEqual(new Set(['2']));
      expect(run).toMatchObject({ status: 'completed', pass: 1, findings: [], findingCount: 0 });
      expect(run.attempts).toBeGreaterThanOrEqual(2);
      expect(await world.query('SELECT count(*)::int AS n FROM reconciliation_shop_orders WHERE run_id = $1', [run.id])).toEqual([{ n: 5 }]);
    }, 60_000);

    it('resolves a finding that no longer holds when the range is repeated', async () => {
      world.sim.plantDiscrepancy('R-AMOUNT', { settledAmount: 4_850 });

      const again = await reconcileRange(range.from, range.to);

      expect(again.findings.filter((f) => f.resolvedAt !== null).map((f) => [f.kind, f.shopOrderId])).toEqual([['amount_mismatch', 'R-AMOUNT']]);
      expect(again).toMatchObject({ pass: 3, findingCount: 7 });
      expect(await metric('amount_mismatch')).toBe(0);
      expect(await metric('unknown_order')).toBe(1);
    }, 60_000);
  });

  describe('settlement', () => {
    const merchant = '/settlement/merchants/m-1';

    /** An order paid at a chosen time in the past, as the shop would have reported it then. */
    function paidOrder(shopOrderId: string, channel: string, amount: number, paidAt: string): PlacedOrder {
      const line = { lineId: `${shopOrderId}-L1`, productId: 'P1', shopListingId: 'LST000001', quantity: 1, unitPrice: amount };
      return {
        outcome: 'placed',
        order: { shopOrderId, status: 'paid', buyer: { buyerId: `buyer-${shopOrderId}` }, lines: [line], totalAmount: amount, currency: 'CNY', createdAt: paidAt, paidAt },
        payment: { paymentId: `PAY-${shopOrderId}`, channel, amount, currency: 'CNY', paidAt },
      };
    }

    async function post(path: string, body: unknown, as = treasurer): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await world.api(path, as, { method: path.startsWith('/settlement/merchants') ? 'PUT' : 'POST', body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    it('issues the monthly statement with mixed channels, a refund and a fee change mid-month, as computed by hand', async () => {
      expect((await post(merchant, { cycle: 'monthly', settlesFrom: '2026-10-01' })).body).toMatchObject({ merchantId: 'm-1', cycle: 'monthly', settlesFrom: '2026-10-01T00:00:00.000Z' });
      expect((await post('/settlement/fee-rates', { channel: 'alipay', basisPoints: 60, effectiveFrom: '2026-10-01' })).status).toBe(201);
      expect((await post('/settlement/fee-rates', { channel: 'wechat', basisPoints: 55, fixedMinor: 0, effectiveFrom: '2026-10-01' })).status).toBe(201);
      // From 15 October alipay charges 0.38 % plus 0.10 CNY per payment.
      expect((await post('/settlement/fee-rates', { channel: 'alipay', basisPoints: 38, fixedMinor: 10, effectiveFrom: '2026-10-15T00:00:00Z' })).status).toBe(201);
      expect((await post('/settlement/fee-rates', { channel: 'alipay', basisPoints: 38, fixedMinor: 10, effectiveFrom: '2026-10-15' })).status).toBe(200);
      const conflicting = await post('/settlement/fee-rates', { channel: 'alipay', basisPoints: 40, fixedMinor: 10, effectiveFrom: '2026-10-15' });
      expect(conflicting.status).toBe(409);
      expect(conflicting.body['message']).toMatch(/already has a rate from 2026-10-15T00:00:00.000Z \(38 bp \+ 10\)/);

      await world.deliver(paidOrder('S-A1', 'alipay', 4_850, '2026-10-05T10:00:00.000Z'));
      await world.deliver(paidOrder('S-W1', 'wechat', 1_000, '2026-10-06T10:00:00.000Z'));
      await world.deliver(paidOrder('S-A3', 'alipay', 1_999, '2026-10-14T23:59:59.000Z'));
      await world.deliver(paidOrder('S-A2', 'alipay', 2_500, '2026-10-20T10:00:00.000Z'));
      const refunded = paidOrder('S-W2', 'wechat', 3_333, '2026-10-25T10:00:00.000Z');
      await world.deliver(refunded);
      await world.shopRefund(refunded, '2026-10-26T10:00:00.000Z');
      const november = paidOrder('S-NOV', 'alipay', 5_000, '2026-11-02T10:00:00.000Z');
      await world.deliver(november);
      expect((await post('/settlement/adjustments', { merchantId: 'm-1', amount: -150, reason: 'fee under-charged in September' })).status).toBe(201);

      const issued = await post('/settlement/statements', { merchantId: 'm-1', periodOf: '2026-10-17' });

      expect(issued.status).toBe(201);
      // By hand (fee = amount × rate rounded half up, per payment, + fixed):
      //   S-A1 alipay 4850 × 0.60 % = 29.10 → 29          net 4821
      //   S-W1 wechat 1000 × 0.55 % =  5.50 →  6          net  994
      //   S-A3 alipay 1999 × 0.60 % = 11.994 → 12         net 1987   (last second before the change)
      //   S-A2 alipay 2500 × 0.38 % =  9.50 → 10, +10 = 20 net 2480
      //   S-W2 wechat 3333 × 0.55 % = 18.3315 → 18, refunded 3333: net −18
      //   adjustment −150
      //   gross 13682, fees 85, refunds 3333, adjustments −150, net 13682 − 85 − 3333 − 150 = 10114
      expect(issued.body).toMatchObject({
        merchantId: 'm-1',
        cycle: 'monthly',
        periodStart: '2026-10-01T00:00:00.000Z',
        periodEnd: '2026-11-01T00:00:00.000Z',
        payableOn: '2026-11-02',
        currency: 'CNY',
        gross: 13_682,
        fees: 85,
        refunds: 3_333,
        adjustments: -150,
        net: 10_114,
        orderCount: 5,
        created: true,
      });
      const statement = (await (await world.api(`/settlement/statements/${String(issued.body['id'])}`, auditor)).json()) as {
        lines: { kind: string; shopOrderId: string | null; channel: string | null; amount: number; feeBasisPoints: number | null; feeFixed: number | null; fee: number; refund: number; adjustment: number; net: number }[];
      };
      expect(statement.lines.map((l) => [l.kind, l.shopOrderId, l.channel, l.amount, l.feeBasisPoints, l.feeFixed, l.fee, l.refund, l.adjustment, l.net])).toEqual([
        ['order', 'S-A1', 'alipay', 4_850, 60, 0, 29, 0, 0, 4_821],
        ['order', 'S-W1', 'wechat', 1_000, 55, 0, 6, 0, 0, 994],
        ['order', 'S-A3', 'alipay', 1_999, 60, 0, 12, 0, 0, 1_987],
        ['order', 'S-A2', 'alipay', 2_500, 38, 10, 20, 0, 0, 2_480],
        ['order', 'S-W2', 'wechat', 3_333, 55, 0, 18, 3_333, 0, -18],
        ['adjustment', null, null, 0, null, null, 0, 0, -150, -150],
      ]);

      const again = await post('/settlement/statements', { merchantId: 'm-1', periodOf: '2026-10-01T00:00:00Z' });
      expect(again).toMatchObject({ status: 200, body: { id: issued.body['id'], net: 10_114, created: false } });
    }, 120_000);

    it('keeps an issued statement immutable and puts a later refund into the next statement as a correction', async () => {
      const [october] = await world.query<{ id: string }>(`SELECT id FROM settlement_statements WHERE period_start = '2026-10-01T00:00:00Z'`);
      await expect(world.query('UPDATE settlement_statements SET net = net + 1 WHERE id = $1', [october?.id])).rejects.toThrow(/issued statements are immutable/);
      await expect(world.query('DELETE FROM settlement_statement_lines WHERE statement_id = $1', [october?.id])).rejects.toThrow(/issued statements are immutable/);
      await expect(world.query('UPDATE settlement_adjustments SET amount = 1 WHERE statement_id = $1', [october?.id])).rejects.toThrow(/issued statements are immutable/);

      // S-A1 was settled in October; the buyer is refunded in November.
      await world.shopRefund(paidOrder('S-A1', 'alipay', 4_850, '2026-10-05T10:00:00.000Z'), '2026-11-02T12:00:00.000Z');
      await post(merchant, { cycle: 'T+1' });
      const open = await post('/settlement/statements', { merchantId: 'm-1', periodOf: new Date().toISOString() });
      expect(open.status).toBe(409);
      expect(open.body['message']).toMatch(/has not ended; issue its statement after/);

      const next = await post('/settlement/statements', { merchantId: 'm-1', periodOf: '2026-11-02' });

      // S-NOV alipay 5000 × 0.38 % = 19.00 → 19, +10 = 29, net 4971; S-A1's refund −4850: net 5000 − 29 − 4850 = 121.
      expect(next).toMatchObject({ status: 201, body: { cycle: 'T+1', payableOn: '2026-11-03', gross: 5_000, fees: 29, refunds: 4_850, adjustments: 0, net: 121, orderCount: 1 } });
      const lines = ((await (await world.api(`/settlement/statements/${String(next.body['id'])}`, auditor)).json()) as { lines: { kind: string; shopOrderId: string; net: number }[] }).lines;
      expect(lines.map((l) => [l.kind, l.shopOrderId, l.net])).toEqual([
        ['order', 'S-NOV', 4_971],
        ['late_refund', 'S-A1', -4_850],
      ]);
      const listed = (await (await world.api(`${merchant}/statements`, auditor)).json()) as { items: { periodStart: string; net: number }[]; total: number };
      expect(listed.items.map((s) => [s.periodStart, s.net])).toEqual([
        ['2026-11-02T00:00:00.000Z', 121],
        ['2026-10-01T00:00:00.000Z', 10_114],
      ]);
      const [{ n: octoberNet }] = await world.query<{ n: string }>('SELECT net::text AS n FROM settlement_statements WHERE id = $1', [october?.id]);
      expect(octoberNet).toBe('10114');
    }, 60_000);

    it('answers 400, 401, 403 and 404 clearly', async () => {
      expect((await world.api('/settlement/fee-rates', null)).status).toBe(401);
      expect((await post('/settlement/statements', { merchantId: 'm-1', periodOf: '2026-10-01' }, auditor)).status).toBe(403);
      const bad = await post('/settlement/fee-rates', { channel: 'Alipay', basisPoints: 12.5, effectiveFrom: 'soon' });
      expect(bad.status).toBe(400);
      expect(bad.body['message']).toBe(
        'channel: a payment channel such as alipay or wechat (lower case); basisPoints: whole basis points; effectiveFrom: expected an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z',
      );
      expect((await post('/settlement/merchants/m-2', { cycle: 'T+3' })).body['message']).toBe('cycle: expected one of T+1, T+7, monthly');
      expect((await post('/settlement/statements', { merchantId: 'm-unknown', periodOf: '2026-10-01' })).body['message']).toBe(
        'merchant m-unknown has no settlement cycle; set one with PUT /settlement/merchants/m-unknown',
      );
      expect((await world.api('/settlement/statements/00000000-0000-4000-8000-000000000000', auditor)).status).toBe(404);
      const rates = (await (await world.api('/settlement/fee-rates', auditor)).json()) as { items: unknown[] };
      expect(rates.items).toHaveLength(3);
    });
  });
});
