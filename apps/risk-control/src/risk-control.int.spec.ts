import { Client } from 'pg';
import { createEnvelope, OrderPaid, RiskAssessed, TOPICS, type EventData, type EventEnvelope } from '@cardlink/contracts';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import { decodeEvent, encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { ReviewHousekeeping } from './reviews/review-housekeeping';

type Assessed = EventData<typeof RiskAssessed>;
type Paid = EventData<typeof OrderPaid>;

const BASE = Date.parse('2026-11-27T12:00:00.000Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

function paidOrder(orderId: string, buyer: Partial<Paid['buyer']> & { buyerId: string }, amount: number, paidAt: string, productId = 'game-card'): Paid {
  return {
    orderId,
    shopOrderId: `SO-${orderId}`,
    buyer,
    lines: [{ lineId: 'L1', productId, quantity: 1, unitPrice: amount }],
    amount,
    currency: 'CNY',
    paymentChannel: 'alipay',
    paidAt,
  };
}

describe('risk-control against real Kafka and Postgres', () => {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  const reviewer = testCredential('rita', ['risk:review']);
  const admin = testCredential('adam', ['risk:admin']);
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let db: Client;
  let port = 0;

  async function publish(data: Paid): Promise<EventEnvelope> {
    const envelope = createEnvelope(OrderPaid, { source: 'test', subject: data.orderId, data });
    await publishEnvelope(envelope);
    return envelope;
  }

  async function publishEnvelope(envelope: EventEnvelope): Promise<void> {
    await producer.send([{ topic: `${prefix}${OrderPaid.topic}`, ...encodeEvent(envelope) }]);
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query(sql, params)).rows as T[];
  }

  async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      value = await read();
    }
    return value;
  }

  /** RiskAssessed events committed for the order, oldest first (the outbox is the record of what was published). */
  async function assessedEvents(orderId: string): Promise<Assessed[]> {
    const rows = await query<{ payload: string }>(
      'SELECT payload FROM outbox WHERE message_key = $1 AND event_type = $2 ORDER BY id',
      [orderId, RiskAssessed.type],
    );
    return rows.map((r) => JSON.parse(r.payload) as Assessed);
  }

  /** Publishes the order and waits for its decision. */
  async function assess(data: Paid): Promise<Assessed> {
    await publish(data);
    const events = await eventually(() => assessedEvents(data.orderId), (e) => e.length > 0);
    if (!events[0]) throw new Error(`order ${data.orderId} was not assessed`);
    return events[0];
  }

  async function http(method: string, path: string, who: { authorization: string } | undefined, body?: unknown) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...(who ? { authorization: who.authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
  }

  const ruleIds = (event: Assessed) => event.firedRules.map((r) => r.ruleId);

  beforeAll(async () => {
    port = await freePort();
    schema = await createTestSchema({ role: 'cardlink_risk', prefix: 'risk' });
    prefix = await createTestTopics(kafka);
    Object.assign(process.env, {
      ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `risk-control-${prefix}` }),
      ...credentialsEnv(reviewer, admin),
      RISK_COUNTER_KEY: 'test-counter-key-of-at-least-32-characters',
      RISK_REVIEW_TIMEOUT_MS: '3600000',
      RISK_HOUSEKEEPING_INTERVAL_MS: '3600000',
      RISK_RULE_SET_REFRESH_MS: '0',
    });
    service = await bootstrapService({ service: 'risk-control', configSchema, module: AppModule });
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

  it('holds the orders past the threshold when 20 buyers pay the same amount within a minute, naming the burst rule', async () => {
    const decisions: Assessed[] = [];
    for (let i = 1; i <= 20; i++) {
      const n = String(i).padStart(2, '0');
      decisions.push(await assess(paidOrder(`burst-${n}`, { buyerId: `burst-buyer-${n}`, ip: `198.51.100.${i}`, deviceId: `burst-device-${n}` }, 9900, at(2 * i))));
    }
    expect(decisions.slice(0, 4).map((d) => d.decision)).toEqual(['approve', 'approve', 'approve', 'approve']);
    for (const held of decisions.slice(4)) {
      expect(held.decision).toBe('review');
      expect(held.decidedBy).toBe('engine');
      expect(ruleIds(held)).toContain('burst.shop.identical-amount.1m');
      expect(held.ruleSetVersion).toBe(1);
    }
    const fifth = decisions[4].firedRules.find((r) => r.ruleId === 'burst.shop.identical-amount.1m');
    expect(fifth?.observed).toMatchObject({ orders: 5, distinctBuyers: 5 });
    expect(ruleIds(decisions[9])).toContain('burst.product.identical-amount.10m');
    expect(await query('SELECT order_id FROM review_cases WHERE status = $1 ORDER BY order_id', ['open'])).toHaveLength(16);
  }, 60_000);

  it('rejects an order from a blocked email, whatever its case', async () => {
    const added = await http('POST', '/lists', admin, { kind: 'block', field: 'email', value: 'Fraud.Ring@Example.com', reason: 'chargebacks on 3 orders' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: 'block', field: 'email', setBy: 'adam', overridable: false });
    expect(added.body['value']).not.toContain('fraud.ring');

    const rejected = await assess(paidOrder('blocked-1', { buyerId: 'blocked-buyer', email: 'fraud.ring@EXAMPLE.com' }, 2300, at(100)));
    expect(rejected.decision).toBe('reject');
    expect(rejected.firedRules[0]).toMatchObject({ ruleId: 'list.block', observed: { field: 'email', entryId: added.body['id'], setBy: 'adam' } });
    expect(JSON.stringify(rejected)).not.toContain('fraud.ring');
  });

  it("lets an allowed buyer pass the velocity rule that holds anyone else's 4th order in a minute", async () => {
    const allowed = await http('POST', '/lists', admin, { kind: 'allow', field: 'buyerId', value: 'reseller-1', reason: 'reseller buying in batches' });
    expect(allowed.status).toBe(201);
    const others: Assessed[] = [];
    const reseller: Assessed[] = [];
    for (let i = 1; i <= 4; i++) {
      others.push(await assess(paidOrder(`velocity-${i}`, { buyerId: 'quick-buyer' }, 1500 + i, at(200 + i))));
      reseller.push(await assess(paidOrder(`reseller-${i}`, { buyerId: 'reseller-1' }, 1600 + i, at(200 + i))));
    }
    expect(others.map((d) => d.decision)).toEqual(['approve', 'approve', 'approve', 'review']);
    expect(ruleIds(others[3])).toContain('velocity.buyer.orders.1m');
    expect(reseller.map((d) => d.decision)).toEqual(['approve', 'approve', 'approve', 'approve']);
    expect(ruleIds(reseller[3])).toEqual(['list.allow']);
  });

  it('records a shadow rule that fires and changes nothing', async () => {
    const behindOneIp = [1, 2, 3].map((i) => paidOrder(`shadow-${i}`, { buyerId: `shadow-buyer-${i}`, ip: '203.0.113.50' }, 3100 + i, at(300 + i)));
    const decisions: Assessed[] = [];
    for (const order of behindOneIp) decisions.push(await assess(order));
    const third = decisions[2];
    expect(third.decision).toBe('approve');
    expect(third.score).toBe(0);
    expect(third.firedRules).toEqual([expect.objectContaining({ ruleId: 'velocity.ip.orders.1m.strict', mode: 'shadow', weight: 100 })]);
    const stored = await query<{ decision: string; fired_rules: { ruleId: string }[] }>('SELECT decision, fired_rules FROM assessments WHERE order_id = $1', ['shadow-3']);
    expect(stored[0]).toMatchObject({ decision: 'approve', fired_rules: [expect.objectContaining({ ruleId: 'velocity.ip.orders.1m.strict' })] });
  });

  it('gives the same stored decision once when the same event, or another event of the order, is delivered again', async () => {
    const order = paidOrder('redelivered-1', { buyerId: 'redelivery-buyer' }, 4400, at(400));
    const envelope = await publish(order);
    await eventually(() => assessedEvents(order.orderId), (e) => e.length > 0);
    await publishEnvelope(envelope);
    // Same key, same partition: once the later event is handled, the duplicate before it was too.
    const again = await publish(order);
    await eventually(() => query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [[envelope.id, again.id]]), (r) => r.length === 2);

    expect(await query('SELECT decision FROM assessments WHERE order_id = $1', [order.orderId])).toEqual([{ decision: 'approve' }]);
    expect((await assessedEvents(order.orderId)).map((e) => e.decision)).toEqual(['approve']);
    const buyerKeys = await query<{ state: { '1m': [number, number, number][] } }>(
      `SELECT state FROM counter_keys WHERE dimension = 'buyerId' AND state::text LIKE '%4400%'`,
    );
    expect(buyerKeys.map((k) => k.state['1m'].reduce((sum, b) => sum + b[1], 0))).toEqual([1]);
  });

  it('publishes the final decision of a reviewer, once, and the default decision for reviews left too long', async () => {
    const open = await http('GET', '/reviews', reviewer);
    expect(open.status).toBe(200);
    const items = open.body.items ?? [];
    expect(items.length).toBeGreaterThanOrEqual(16);
    const first = items.find((item) => item['orderId'] === 'burst-05');
    expect(first).toMatchObject({ status: 'open', assessment: { decision: 'review', ruleSetVersion: 1 } });
    const id = String(first?.['id']);

    expect((await http('POST', `/reviews/${id}/approve`, admin, {})).status).toBe(403);
    expect((await http('POST', `/reviews/${id}/approve`, undefined, {})).status).toBe(401);
    const approved = await http('POST', `/reviews/${id}/approve`, reviewer, { note: 'regular customer, checked by phone' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'rita' });
    const second = await http('POST', `/reviews/${id}/reject`, reviewer, {});
    expect(second.status).toBe(409);
    expect((await http('POST', '/reviews/not-a-uuid/approve', reviewer, {})).status).toBe(400);

    const events = await assessedEvents('burst-05');
    expect(events.map((e) => [e.decision, e.decidedBy])).toEqual([
      ['review', 'engine'],
      ['approve', 'reviewer'],
    ]);
    expect(events[1].firedRules[0]).toMatchObject({ ruleId: 'review.reviewer', reason: 'approved by reviewer rita: regular customer, checked by phone' });

    const housekeeping = service?.app.get(ReviewHousekeeping);
    if (!housekeeping) throw new Error('no housekeeping');
    expect(await housekeeping.decideOverdue(new Date())).toBe(0);
    const decided = await housekeeping.decideOverdue(new Date(Date.now() + 2 * 3_600_000));
    expect(decided).toBeGreaterThanOrEqual(15);
    const timedOut = await assessedEvents('burst-06');
    expect(timedOut.map((e) => [e.decision, e.decidedBy])).toEqual([
      ['review', 'engine'],
      ['reject', 'review-timeout'],
    ]);
    expect(await query(`SELECT 1 FROM review_cases WHERE status = 'open'`)).toEqual([]);
    expect(await housekeeping.decideOverdue(new Date(Date.now() + 3 * 3_600_000))).toBe(0);
  });

  it('versions threshold changes; each assessment records the version it used', async () => {
    const bad = await http('POST', '/rule-sets/thresholds', admin, { review: 120, reject: 100, reason: 'oops' });
    expect(bad.status).toBe(400);
    expect(String(bad.body['message'])).toContain('thresholds.review');
    expect((await http('POST', '/rule-sets/thresholds', reviewer, { review: 40, reject: 100, reason: 'x' })).status).toBe(403);

    const changed = await http('POST', '/rule-sets/thresholds', admin, { review: 40, reject: 100, reason: 'hold quick buyers earlier', basedOnVersion: 1 });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ version: 2, createdBy: 'adam', definition: { version: 2, thresholds: { review: 40, reject: 100 } } });
    expect((await http('POST', '/rule-sets/thresholds', admin, { review: 40, reject: 90, reason: 'stale', basedOnVersion: 1 })).status).toBe(409);

    const next = await assess(paidOrder('after-change-1', { buyerId: 'new-version-buyer' }, 5500, at(500)));
    expect(next.ruleSetVersion).toBe(2);
    expect((await http('GET', '/rule-sets', admin)).body.items?.map((v) => v['version'])).toEqual([2, 1]);
  });

  it('dry-runs an order against a draft rule set without counting, storing or publishing anything', async () => {
    const snapshot = () =>
      query(
        `SELECT (SELECT md5(string_agg(dimension || key_hash || state::text, ',' ORDER BY dimension, key_hash)) FROM counter_keys) AS keys,
                (SELECT sum(orders) FROM amount_buckets) AS buckets,
                (SELECT count(*) FROM amount_bucket_buyers) AS buyers,
                (SELECT count(*) FROM assessments) AS assessments,
                (SELECT count(*) FROM outbox) AS outbox`,
      );
    const before = await snapshot();
    const active = await http('GET', '/rule-sets/active', admin);
    const draft = { ...(active.body['definition'] as object), thresholds: { review: 10, reject: 20 } };
    const order = paidOrder('dry-run-1', { buyerId: 'burst-buyer-01' }, 9900, at(40));
    const result = await http('POST', '/dry-run', admin, { order, ruleSet: draft });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ decision: 'reject', draft: true });
    expect((result.body['firedRules'] as { ruleId: string }[]).map((r) => r.ruleId)).toContain('burst.shop.identical-amount.1m');

    const withActive = await http('POST', '/dry-run', admin, { order });
    expect(withActive.body).toMatchObject({ decision: 'review', ruleSetVersion: 2, draft: false });
    const invalid = await http('POST', '/dry-run', admin, { order: { ...order, amount: -1 }, ruleSet: { ...draft, rules: [{ kind: 'nope' }] } });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body['message'])).toContain('order.amount');

    expect(await snapshot()).toEqual(before);
  });

  it('holds an order for review when it cannot be evaluated, never approving it', async () => {
    const foreign = await assess({ ...paidOrder('usd-1', { buyerId: 'usd-buyer' }, 1000, at(600)), currency: 'USD' });
    expect(foreign).toMatchObject({ decision: 'review', decidedBy: 'fail-safe' });
    expect(ruleIds(foreign)).toContain('engine.unsupported-currency');

    await query(`INSERT INTO rule_sets (version, definition, created_by, reason) VALUES (3, '{"rules": "broken"}', 'test', 'corrupt row')`);
    try {
      const broken = await assess(paidOrder('broken-1', { buyerId: 'broken-buyer' }, 1000, at(601)));
      expect(broken).toMatchObject({ decision: 'review', decidedBy: 'fail-safe', ruleSetVersion: 3 });
      expect(ruleIds(broken)).toEqual(['engine.failure']);
      expect(await query(`SELECT 1 FROM counter_keys WHERE state::text LIKE '%601000%'`)).toEqual([]);
      expect(await query(`SELECT status FROM review_cases WHERE order_id = 'broken-1'`)).toEqual([{ status: 'open' }]);
    } finally {
      await query('DELETE FROM rule_sets WHERE version = 3');
    }
  });

  it('GET /metrics counts every committed decision once, by decision and by the rule that decided', async () => {
    const events = (await query<{ payload: string }>('SELECT payload FROM outbox WHERE event_type = $1', [RiskAssessed.type])).map((r) => JSON.parse(r.payload) as Assessed);
    const scrape = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const counted = new Map<string, number>();
      for (const match of text.matchAll(/^cardlink_risk_decisions_total\{([^}]*)\} (\S+)$/gm)) {
        const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
        expect(Object.keys(labels).sort()).toEqual(['decision', 'rule', 'service']);
        counted.set(`${labels['decision']} ${labels['rule']}`, Number(match[2]));
      }
      return counted;
    };
    const total = (counted: Map<string, number>) => [...counted.values()].reduce((sum, n) => sum + n, 0);
    const counted = await eventually(scrape, (c) => total(c) === events.length);

    // One per published RiskAssessed: the redelivered orders and the dry runs added none.
    expect(total(counted)).toBe(events.length);
    for (const decision of ['approve', 'review', 'reject'] as const) {
      const perDecision = [...counted].filter(([key]) => key.startsWith(`${decision} `)).reduce((sum, [, n]) => sum + n, 0);
      expect({ decision, counted: perDecision }).toEqual({ decision, counted: events.filter((e) => e.decision === decision).length });
    }
    expect(counted.get('approve review.reviewer')).toBe(1);
    expect(counted.get('reject review.timeout')).toBe(events.filter((e) => e.decidedBy === 'review-timeout').length);
    expect(counted.get('reject list.block')).toBe(events.filter((e) => e.decidedBy === 'engine' && e.firedRules.some((r) => r.ruleId === 'list.block')).length);
    expect(counted.get('review engine.unsupported-currency')).toBe(1);
    expect(counted.get('review engine.failure')).toBe(1);
    expect(counted.get('approve none')).toBeGreaterThan(0);

    // Bounded: every rule label is a rule id the engine published, or none / score; no buyer or order value.
    const ruleIdsPublished = new Set(['none', 'score', ...events.flatMap((e) => e.firedRules.map((r) => r.ruleId))]);
    const rules = [...counted.keys()].map((key) => key.split(' ')[1] ?? '');
    expect(rules.filter((rule) => !ruleIdsPublished.has(rule))).toEqual([]);
    expect(rules.filter((rule) => /buyer-|burst-|@|\d{3}/.test(rule))).toEqual([]);
  });

  it('has published every committed RiskAssessed on Kafka', async () => {
    const committed = await query<{ event_id: string }>('SELECT event_id FROM outbox WHERE event_type = $1', [RiskAssessed.type]);
    const messages = await readTopic(kafka, `${prefix}${TOPICS.riskAssessments}`, (m) => m.length >= committed.length);
    expect(new Set(messages.map((m) => decodeEvent(m.message).id))).toEqual(new Set(committed.map((r) => r.event_id)));
  });
});
