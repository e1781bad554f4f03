import { randomBytes, randomUUID } from 'node:crypto';
import { TOPICS } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic } from '@cardlink/messaging/testing';
import { startGateway, type GatewayUnderTest } from '../testing/gateway-under-test';
import { ALIPAY_APP_ID, fakeAlipay, paidTrade } from './alipay.fixture';
import { SimulatorProvider } from './simulator-provider';

const alipay = fakeAlipay();

const PROVIDER_SECRET = randomBytes(32).toString('hex');

function trade(overrides: Record<string, unknown> = {}) {
  return {
    tradeNo: `T-${randomUUID()}`,
    shopOrderId: `LD-${randomUUID()}`,
    status: 'paid',
    amount: 9_700,
    currency: 'CNY',
    payerAccount: '138****5678',
    paidAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('POST /callbacks/payments/:provider against real Kafka and Postgres', () => {
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    gateway = await startGateway({
      shop: `whsec_${randomBytes(32).toString('base64')}`,
      paymentProvider: PROVIDER_SECRET,
      alipay: { appId: ALIPAY_APP_ID, publicKey: alipay.publicKeyBase64 },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  function callback(provider: string, body: string, signature = SimulatorProvider.sign(body, PROVIDER_SECRET)) {
    return fetch(`${gateway.base}/callbacks/payments/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-provider-signature': signature },
      body,
    });
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const rows: { count: string }[] = await gateway.dataSource.query(sql, params);
    return Number(rows[0]?.count);
  }

  it('publishes PaymentReceived once per trade number, however often the provider calls back', async () => {
    const first = trade();
    const body = JSON.stringify(first);
    const accepted = await callback('simulator', body);
    expect(accepted.status).toBe(200);
    const { status, eventId } = (await accepted.json()) as { status: string; eventId: string };
    expect(status).toBe('accepted');

    // A repeat with other bytes (a new notification time) is still the same trade.
    const repeat = await callback('simulator', JSON.stringify({ ...first, paidAt: new Date(Date.now() + 1000).toISOString() }));
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ status: 'duplicate', eventId });
    expect(await count(`SELECT count(*) FROM receipt WHERE sender = 'payment:simulator' AND delivery_id = $1`, [first.tradeNo])).toBe(1);

    // Another trade for the same order lands behind any copy of the first on the same partition.
    const second = trade({ shopOrderId: first.shopOrderId });
    expect((await callback('simulator', JSON.stringify(second))).status).toBe(200);

    const messages = await readTopic(gateway.kafka, `${gateway.prefix}${TOPICS.payments}`, (read) =>
      read.some((m) => (decodeEvent(m.message).data as { tradeNo?: string }).tradeNo === second.tradeNo),
    );
    const events = messages.map((m) => decodeEvent(m.message)).filter((e) => e.subject === first.shopOrderId);
    expect(events.map((e) => (e.data as { tradeNo: string }).tradeNo)).toEqual([first.tradeNo, second.tradeNo]);
    expect(events[0]).toMatchObject({
      id: eventId,
      type: 'cardlink.payments.payment-received.v1',
      data: { provider: 'simulator', tradeNo: first.tradeNo, shopOrderId: first.shopOrderId, amount: 9_700, currency: 'CNY', payerAccount: '138****5678' },
    });
  });

  it('acknowledges a trade that is not paid without storing or publishing anything', async () => {
    const pending = trade({ status: 'pending' });
    const outboxBefore = await count('SELECT count(*) FROM outbox');
    const response = await callback('simulator', JSON.stringify(pending));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored' });
    expect(await count('SELECT count(*) FROM outbox')).toBe(outboxBefore);
    expect(await count(`SELECT count(*) FROM receipt WHERE delivery_id = $1`, [pending.tradeNo])).toBe(0);
  });

  it('refuses a wrong signature (401), a changed body (401) and a body breaking the contract (400), storing nothing', async () => {
    const outboxBefore = await count('SELECT count(*) FROM outbox');
    const body = JSON.stringify(trade());
    expect((await callback('simulator', body, SimulatorProvider.sign(body, 'another-secret-another-secret-xx'))).status).toBe(401);
    expect((await callback('simulator', body.replace('9700', '9701'), SimulatorProvider.sign(body, PROVIDER_SECRET))).status).toBe(401);
    const unsigned = await fetch(`${gateway.base}/callbacks/payments/simulator`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ message: 'missing header: x-provider-signature' });
    const invalid = await callback('simulator', JSON.stringify(trade({ currency: 'yuan' })));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toMatch(/^currency: /);
    expect(await count('SELECT count(*) FROM outbox')).toBe(outboxBefore);
  });

  it('answers 404 for a provider it has no adapter for', async () => {
    const response = await callback('paypal', JSON.stringify(trade()));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'unknown payment provider "paypal"; known: simulator, alipay' });
  });

  describe('Alipay asynchronous notifications', () => {
    function notify(form: string) {
      return fetch(`${gateway.base}/callbacks/payments/alipay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: form,
      });
    }

    it('accepts an RSA2-signed notification, answers exactly "success" and publishes the payment in fen, once', async () => {
      const fields = paidTrade({ trade_no: `2025${Date.now()}`, out_trade_no: `LD-${randomUUID()}` });
      const response = await notify(alipay.notification(fields));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('success');

      const outboxAfterFirst = await count('SELECT count(*) FROM outbox');
      const repeat = await notify(alipay.notification({ ...fields, notify_time: '2025-03-01 10:05:00', trade_status: 'TRADE_FINISHED' }));
      expect(await repeat.text()).toBe('success');
      expect(await count('SELECT count(*) FROM outbox')).toBe(outboxAfterFirst);

      const [message] = await readTopic(gateway.kafka, `${gateway.prefix}${TOPICS.payments}`, (read) =>
        read.some((m) => decodeEvent(m.message).subject === fields.out_trade_no),
      ).then((read) => read.filter((m) => decodeEvent(m.message).subject === fields.out_trade_no));
      expect(message && decodeEvent(message.message).data).toEqual({
        provider: 'alipay',
        tradeNo: fields.trade_no,
        shopOrderId: fields.out_trade_no,
        amount: 9_700,
        currency: 'CNY',
        payerAccount: '159****5620',
        paidAt: '2025-03-01T10:01:00+08:00',
      });
    });

    it('refuses a wrong signature without answering "success" and changes nothing', async () => {
      const outboxBefore = await count('SELECT count(*) FROM outbox');
      const fields = paidTrade({ trade_no: `2025${Date.now()}`, out_trade_no: `LD-${randomUUID()}` });
      const forged = alipay.notification(fields).replace('total_amount=97.00', 'total_amount=0.01');
      const response = await notify(forged);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toBe('success');
      expect(await count('SELECT count(*) FROM outbox')).toBe(outboxBefore);
      expect(await count(`SELECT count(*) FROM receipt WHERE delivery_id = $1`, [fields.trade_no])).toBe(0);
    });
  });

  it('counts callbacks per provider in cardlink_webhooks_total', async () => {
    const metrics = await (await fetch(`${gateway.base}/metrics`)).text();
    const value = (outcome: string) => Number(new RegExp(`cardlink_webhooks_total\\{[^}]*source="payment:simulator"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(metrics)?.[1]);
    expect([value('accepted'), value('duplicate'), value('ignored'), value('rejected_signature'), value('rejected_body')]).toEqual([2, 1, 1, 3, 1]);
  });
});
