import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import {
  CardReplacementRequested,
  CardReported,
  CardsAllocated,
  CardVoided,
  DeliverySucceeded,
  RiskAssessed,
  ShopOrderDisputed,
  ShopOrderPaid,
  ShopOrderRefunded,
  type EventData,
  type EventEnvelope,
} from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic, testKafka } from '@cardlink/messaging/testing';
import { eventually, startServiceUnderTest, type ServiceUnderTest } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

const at = '2026-11-27T01:00:00.000Z';
const SEALED = { kid: 'k1', epk: 'AAAA', iv: 'AAAA', ciphertext: 'AAAA', tag: 'AAAA' };

describe('after-sale cases in order-processing against real Kafka and Postgres', () => {
  const kafka = testKafka();
  const handler = testCredential('hana', ['aftersale:handle']);
  const reader = testCredential('rita', ['orders:read']);
  let orders: ServiceUnderTest;
  let db: Client;
  const publish: ServiceUnderTest['publish'] = (definition, subject, data) => orders.publish(definition, subject, data);

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query(sql, params)).rows as T[];
  }

  async function handled(...envelopes: EventEnvelope[]): Promise<void> {
    const ids = envelopes.map((e) => e.id);
    const rows = await eventually(() => query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [ids]), (r) => r.length === ids.length);
    expect(rows).toHaveLength(ids.length);
  }

  function api(path: string, init: { method?: string; body?: unknown; as?: { authorization: string } } = {}): Promise<Response> {
    return fetch(`${orders.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: (init.as ?? handler).authorization, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  /** A paid, approved, allocated and delivered order of two cards (card-<shopOrderId>-1 and -2). */
  async function completedOrder(shopOrderId: string, buyerId: string): Promise<string> {
    await publish(ShopOrderPaid, shopOrderId, {
      order: {
        shopOrderId,
        buyer: { buyerId, email: 'buyer@example.com' },
        lines: [{ lineId: 'L1', productId: 'P1', quantity: 2, unitPrice: 500 }],
        totalAmount: 1000,
        currency: 'CNY',
        createdAt: at,
      },
      payment: { paymentId: `pay-${shopOrderId}`, channel: 'alipay', amount: 1000, currency: 'CNY', paidAt: at },
    });
    const [order] = await eventually(() => query<{ id: string; state: string }>('SELECT id, state FROM orders WHERE shop_order_id = $1', [shopOrderId]), (r) => r[0]?.state === 'PAID');
    if (!order) throw new Error(`no order for ${shopOrderId}`);
    await publish(RiskAssessed, order.id, { orderId: order.id, assessmentId: `A-${shopOrderId}`, decision: 'approve', score: 0, ruleSetVersion: 1, decidedBy: 'engine', firedRules: [], assessedAt: at });
    await eventually(() => query<{ state: string }>('SELECT state FROM orders WHERE id = $1', [order.id]), (r) => r[0]?.state === 'APPROVED');
    await publish(CardsAllocated, order.id, {
      orderId: order.id,
      allocationId: `alloc-${shopOrderId}`,
      lines: [{ lineId: 'L1', productId: 'P1', cards: [1, 2].map((n) => ({ cardId: `card-${shopOrderId}-${n}`, secret: SEALED })) }],
      allocatedAt: at,
    });
    await publish(DeliverySucceeded, order.id, { orderId: order.id, deliveryId: `d-${shopOrderId}`, channel: 'email', attempts: 1, deliveredAt: at });
    await eventually(() => query<{ state: string }>('SELECT state FROM orders WHERE id = $1', [order.id]), (r) => r[0]?.state === 'COMPLETED');
    return order.id;
  }

  function report(orderId: string, cardId: string, note = 'the code says already redeemed'): EventData<typeof CardReported> {
    return { reportId: randomUUID(), orderId, lineId: 'L1', productId: 'P1', cardId, note, via: 'link', reportedAt: new Date().toISOString() };
  }

  async function casesOf(orderId: string) {
    return query<{ id: string; card_id: string | null; state: string; source: string; note: string }>(
      'SELECT id, card_id, state, source, note FROM aftersale_cases WHERE order_id = $1 ORDER BY opened_at, id',
      [orderId],
    );
  }

  async function auditOf(orderId: string) {
    return query<{ action: string; from_state: string | null; to_state: string | null; actor: string; detail: string }>(
      'SELECT action, from_state, to_state, actor, detail FROM aftersale_audit WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
  }

  beforeAll(async () => {
    orders = await startServiceUnderTest({
      service: 'order-processing',
      role: 'cardlink_orders',
      schemaPrefix: 'aftersale',
      configSchema,
      module: AppModule,
      env: {
        ...credentialsEnv(handler, reader),
        SHOP_API_URL: 'http://127.0.0.1:9',
        SHOP_CLIENT_ID: 'cardlink',
        SHOP_CLIENT_SECRET: 'test-secret',
        AFTERSALE_CARD_REPORT_WINDOW_HOURS: '24',
        AFTERSALE_REPORTS_PER_BUYER_PER_DAY: '2',
        AFTERSALE_SWEEP_INTERVAL_MS: '100',
      },
    });
    db = orders.db;
  }, 60_000);

  afterAll(async () => {
    await orders?.stop();
  });

  it('opens a case from a report, refuses a second report of the card, replaces the card on staff request, and audits every step', async () => {
    const orderId = await completedOrder('SO-AS-1', 'buyer-as-1');
    const first = await publish(CardReported, orderId, report(orderId, 'card-SO-AS-1-1', '<b>bad</b> card'));
    await handled(first);
    const [opened] = await casesOf(orderId);
    expect(opened).toMatchObject({ card_id: 'card-SO-AS-1-1', state: 'opened', source: 'buyer-report', note: '<b>bad</b> card' });

    // The same report redelivered changes nothing; another report of the same card is refused and audited.
    await orders.redeliver(CardReported, first);
    const second = await publish(CardReported, orderId, report(orderId, 'card-SO-AS-1-1', 'still bad'));
    await handled(second);
    expect(await casesOf(orderId)).toHaveLength(1);

    // Routes are closed without the scope.
    expect((await api(`/aftersale/cases/${opened?.id}`, { as: reader })).status).toBe(403);
    expect((await api(`/aftersale/cases/${opened?.id}/replace`, { method: 'POST', body: {} })).status).toBe(400);

    const replaced = await api(`/aftersale/cases/${opened?.id}/replace`, { method: 'POST', body: { reason: 'code confirmed used at Steam' } });
    expect(replaced.status).toBe(202);
    expect(await replaced.json()).toMatchObject({ id: opened?.id, state: 'replacing' });

    // card-inventory is asked on the wire to void and replace that card.
    const asked = await readTopic(kafka, `${orders.topicPrefix}${CardReplacementRequested.topic}`, (messages) =>
      messages.some((m) => decodeEvent(m.message).type === CardReplacementRequested.type),
    );
    const command = asked.map((m) => decodeEvent(m.message)).find((e) => e.type === CardReplacementRequested.type);
    expect(command?.subject).toBe(orderId);
    expect(command?.data).toMatchObject({ caseId: opened?.id, orderId, cardId: 'card-SO-AS-1-1', requestedBy: 'hana', reason: 'code confirmed used at Steam' });

    await handled(
      await publish(CardVoided, orderId, {
        caseId: opened?.id ?? '',
        orderId,
        cardId: 'card-SO-AS-1-1',
        replacements: [{ orderId, lineId: 'L1', status: 'allocated', cardId: 'card-new-1' }],
        alreadyVoided: false,
        voidedAt: new Date().toISOString(),
      }),
    );
    const caseView = (await (await api(`/aftersale/cases/${opened?.id}`)).json()) as { state: string; audit: { action: string; actor: string }[]; refusedReports: { detail: string }[] };
    expect(caseView.state).toBe('replaced');
    expect(caseView.audit.map((a) => [a.action, a.actor])).toEqual([
      ['opened', 'buyer'],
      ['replacement-requested', 'staff:hana'],
      ['card-voided', 'card-inventory'],
      ['replaced', 'card-inventory'],
    ]);
    expect(caseView.refusedReports).toHaveLength(1);
    expect(caseView.refusedReports[0]?.detail).toMatch(/^card card-SO-AS-1-1 was already reported on .* UTC and that case is still open$/);

    // A replaced case is final.
    const late = await api(`/aftersale/cases/${opened?.id}/reject`, { method: 'POST', body: { reason: 'changed my mind' } });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { message: string }).message).toBe(`case ${opened?.id} is replaced: rejected is allowed only from opened`);

    expect((await auditOf(orderId)).map((a) => [a.action, a.from_state, a.to_state])).toEqual([
      ['opened', null, 'opened'],
      ['report-refused', null, null],
      ['replacement-requested', 'opened', 'replacing'],
      ['card-voided', 'replacing', 'replacing'],
      ['replaced', 'replacing', 'replaced'],
    ]);
  }, 120_000);

  it('limits the reports of one buyer per day, across orders', async () => {
    const a = await completedOrder('SO-AS-2', 'buyer-as-2');
    const b = await completedOrder('SO-AS-3', 'buyer-as-2');
    await handled(await publish(CardReported, a, report(a, 'card-SO-AS-2-1')), await publish(CardReported, a, report(a, 'card-SO-AS-2-2')));
    await handled(await publish(CardReported, b, report(b, 'card-SO-AS-3-1')));
    expect((await casesOf(a)).map((c) => c.card_id)).toEqual(['card-SO-AS-2-1', 'card-SO-AS-2-2']);
    expect(await casesOf(b)).toEqual([]);
    expect(await auditOf(b)).toEqual([
      { action: 'report-refused', from_state: null, to_state: null, actor: 'buyer', detail: 'buyer buyer-as-2 already made 2 reports in the last 24 hours (at most 2)' },
    ]);

    // Staff reject one; the buyer's count for the day still holds.
    const [first] = await casesOf(a);
    const rejected = await api(`/aftersale/cases/${first?.id}/reject`, { method: 'POST', body: { reason: 'the code works when tried' } });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ state: 'rejected' });
    const listed = (await (await api(`/aftersale/cases?state=rejected&orderId=${a}`)).json()) as { items: { id: string }[]; total: number };
    expect(listed).toMatchObject({ total: 1, items: [{ id: first?.id }] });
    expect((await api('/aftersale/cases?state=lost')).status).toBe(400);
  }, 120_000);

  it('opens a case from a shop dispute and closes it when the shop refunds the order', async () => {
    const orderId = await completedOrder('SO-AS-4', 'buyer-as-4');
    const dispute = { shopOrderId: 'SO-AS-4', disputeId: 'dp-1', reason: 'buyer says the code never worked', amount: 1000, currency: 'CNY', openedAt: at };
    await handled(await publish(ShopOrderDisputed, 'SO-AS-4', dispute), await publish(ShopOrderDisputed, 'SO-AS-4', dispute));
    const [disputed] = await casesOf(orderId);
    expect(await casesOf(orderId)).toHaveLength(1);
    expect(disputed).toMatchObject({ source: 'shop-dispute', card_id: null, state: 'opened' });

    const replace = await api(`/aftersale/cases/${disputed?.id}/replace`, { method: 'POST', body: { reason: 'replace it' } });
    expect(replace.status).toBe(409);
    expect(((await replace.json()) as { message: string }).message).toContain('names no card');

    await publish(ShopOrderRefunded, 'SO-AS-4', { shopOrderId: 'SO-AS-4', refundId: 'rf-dp-1', amount: 1000, currency: 'CNY', refundedAt: at });
    const [closed] = await eventually(() => casesOf(orderId), (r) => r[0]?.state === 'refunded');
    expect(closed?.state).toBe('refunded');
    expect((await auditOf(orderId)).map((a) => [a.action, a.actor, a.detail])).toEqual([
      ['opened', 'shop', 'dispute dp-1 opened at the shop (claims 1000 CNY)'],
      ['refunded', 'shop', 'order refunded: refunded by the shop (refund rf-dp-1)'],
    ]);
  }, 120_000);

  it('refunds through the order: the case waits in refunding until the order is refunded', async () => {
    const orderId = await completedOrder('SO-AS-5', 'buyer-as-5');
    await handled(await publish(CardReported, orderId, report(orderId, 'card-SO-AS-5-1')));
    const [opened] = await casesOf(orderId);
    const refunding = await api(`/aftersale/cases/${opened?.id}/refund`, { method: 'POST', body: { reason: 'no card left to replace it' } });
    expect(refunding.status).toBe(202);
    expect(await refunding.json()).toMatchObject({ state: 'refunding' });
    expect(await query('SELECT state FROM orders WHERE id = $1', [orderId])).toEqual([{ state: 'REFUND_REQUESTED' }]);
    const [request] = await query<{ reason: string; amount: string }>('SELECT reason, amount FROM refund_requests WHERE order_id = $1', [orderId]);
    expect(request).toEqual({ reason: `after-sale case ${opened?.id}: hana: no card left to replace it`, amount: '1000' });

    // Asked twice, the order is not asked again.
    const again = await api(`/aftersale/cases/${opened?.id}/refund`, { method: 'POST', body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toBe(`case ${opened?.id} is refunding: refund-requested is allowed only from opened or replacing`);

    await publish(ShopOrderRefunded, 'SO-AS-5', { shopOrderId: 'SO-AS-5', refundId: 'rf-as-5', amount: 1000, currency: 'CNY', refundedAt: at });
    const [closed] = await eventually(() => casesOf(orderId), (r) => r[0]?.state === 'refunded');
    expect(closed?.state).toBe('refunded');
    expect((await auditOf(orderId)).map((a) => [a.action, a.from_state, a.to_state, a.actor])).toEqual([
      ['opened', null, 'opened', 'buyer'],
      ['refund-requested', 'opened', 'refunding', 'staff:hana'],
      ['refunded', 'refunding', 'refunded', 'order-processing'],
    ]);
  }, 120_000);
});
