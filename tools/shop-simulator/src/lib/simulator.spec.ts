import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ShopOrderPaid, ShopOrderRefunded, ShopProductUpdated, validateEventData } from '@cardlink/contracts';
import { ShopApiError, ShopClient, SmsProviderClient } from '@cardlink/shop-client';
import { startShopSimulator, type RunningShopSimulator, type ShopSimulatorOptions } from './simulator';

const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PROVIDER_SECRET = 'provider-secret-provider-secret-0123456789';
const CLIENT = { clientId: 'cardlink', clientSecret: 'test-secret' };
const FAST_SENDER = { firstDelayMs: 10, maxDelayMs: 50, maxAttempts: 4, timeoutMs: 15_000 };

const newListing = {
  externalId: 'prod-steam-50',
  title: 'Steam 50',
  description: 'A Steam wallet code',
  price: { amount: 4_850, currency: 'CNY' },
  categoryIds: ['games'],
  stock: 5,
  status: 'listed' as const,
};
const buyer = { id: 'buyer-1', email: 'li.wei@example.com', phone: '+8613812345678', ip: '198.51.100.7', deviceId: 'dev-1' };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for shop-gateway that records what arrives and answers from a script. */
class Gateway {
  readonly received: Received[] = [];
  answers: number[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.writeHead(this.answers.shift() ?? 200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  webhooks(): Received[] {
    return this.received.filter((r) => r.path === '/webhooks/shop');
  }
}

describe('shop simulator', () => {
  let sim: RunningShopSimulator;
  let gateway: Gateway;
  let client: ShopClient;

  async function start(options: ShopSimulatorOptions = {}): Promise<void> {
    sim = await startShopSimulator({
      port: 0,
      clients: [CLIENT],
      gatewayUrl: gateway.url,
      webhookSecret: WEBHOOK_SECRET,
      paymentProviderSecret: PROVIDER_SECRET,
      senderSchedule: FAST_SENDER,
      smsApiKey: 'sms-key',
      ...options,
    });
    client = new ShopClient({ baseUrl: sim.url, ...CLIENT, backoffBaseMs: 5, maxRetryAfterMs: 2_000 });
  }

  beforeEach(async () => {
    gateway = new Gateway();
    await gateway.start();
  });

  afterEach(async () => {
    await sim?.close();
    await gateway.stop();
  });

  describe('OAuth2 client credentials', () => {
    beforeEach(() => start());

    it('refuses a wrong secret and calls without a token', async () => {
      const wrong = new ShopClient({ baseUrl: sim.url, clientId: 'cardlink', clientSecret: 'guess' });
      await expect(wrong.listListings()).rejects.toMatchObject({ status: 401, code: 'invalid_client' });

      const anonymous = await fetch(`${sim.url}/api/listings`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: 'invalid_token' });
    });

    it('answers invalid_token for an expired token, and a fresh token works', async () => {
      await client.createListing(newListing);
      sim.expireTokens();
      const token = await (await fetch(`${sim.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cardlink', client_secret: 'test-secret' }) })).json();
      sim.expireTokens();

      const expired = await fetch(`${sim.url}/api/listings`, { headers: { authorization: `Bearer ${(token as { access_token: string }).access_token}` } });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ error: 'invalid_token' });
      await expect(client.listListings()).resolves.toMatchObject({ total: 1 });
    });
  });

  describe('listings and stock', () => {
    beforeEach(() => start());

    it('creates, reads, pages and changes listings; one listing per externalId', async () => {
      const created = await client.createListing(newListing);
      await client.createListing({ ...newListing, externalId: 'prod-2' });
      await client.createListing({ ...newListing, externalId: 'prod-3' });

      expect(created).toMatchObject({ ...newListing, listingId: expect.any(String) });
      await expect(client.getListing(created.listingId)).resolves.toEqual(created);
      const all = [];
      for await (const listing of client.allListings({ pageSize: 2 })) all.push(listing.externalId);
      expect(all).toEqual(['prod-steam-50', 'prod-2', 'prod-3']);
      await expect(client.updateListing(created.listingId, { price: { amount: 4_990, currency: 'CNY' } })).resolves.toMatchObject({ price: { amount: 4_990 } });
      await expect(client.delist(created.listingId)).resolves.toMatchObject({ status: 'delisted' });
      await expect(client.createListing(newListing)).rejects.toMatchObject({ status: 409, code: 'duplicate_external_id' });
      await expect(client.getListing('nope')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    });

    it('explains a malformed listing', async () => {
      const error = (await client.createListing({ ...newListing, price: { amount: 48.5, currency: 'yuan' } }).catch((e: unknown) => e)) as ShopApiError;
      expect(error).toMatchObject({ status: 400, code: 'invalid_request', retryable: false });
      expect(error.detail).toContain('price.amount');
      expect(error.detail).toContain('price.currency');
    });

    it('floors stock at zero, lowers it on each sale and refuses a sale it cannot cover', async () => {
      const listing = await client.createListing({ ...newListing, stock: 3 });

      await expect(client.adjustStock(listing.listingId, -10, 'recount')).resolves.toEqual({ listingId: listing.listingId, stock: 0, applied: -3 });
      await expect(client.setStock(listing.listingId, 3)).resolves.toEqual({ listingId: listing.listingId, stock: 3 });
      const sold = await sim.placeOrder({ listingId: listing.listingId, quantity: 2, buyer });
      const refused = await sim.placeOrder({ externalId: 'prod-steam-50', quantity: 2, buyer });
      const last = await sim.placeOrder({ externalId: 'prod-steam-50', quantity: 1, buyer });
      const afterSellOut = await sim.placeOrder({ externalId: 'prod-steam-50', quantity: 1, buyer });

      expect(sold.outcome).toBe('placed');
      expect(refused).toMatchObject({ outcome: 'out_of_stock', requested: 2, available: 1 });
      expect(last.outcome).toBe('placed');
      expect(afterSellOut).toMatchObject({ outcome: 'out_of_stock', available: 0 });
      await expect(client.getListing(listing.listingId)).resolves.toMatchObject({ stock: 0 });
      expect(sim.records('stock').map((r) => [r.source, r.requested, r.delta, r.stock])).toEqual([
        ['created', 3, 3, 3],
        ['adjustment', -10, -3, 0],
        ['set', 3, 3, 3],
        ['sale', -2, -2, 1],
        ['sale', -1, -1, 0],
      ]);
      expect(sim.summary()).toMatchObject({ ordersPlaced: 2, outOfStock: 2 });
    });

    it('refuses sales of a delisted listing', async () => {
      const listing = await client.createListing(newListing);
      await client.delist(listing.listingId);

      await expect(sim.placeOrder({ listingId: listing.listingId, buyer })).resolves.toMatchObject({ outcome: 'unavailable' });
      await expect(client.getListing(listing.listingId)).resolves.toMatchObject({ stock: 5 });
    });
  });

  describe('idempotency and faults', () => {
    beforeEach(() => start());

    it('answers the same key with the same answer and one effect; another body under that key is refused', async () => {
      const listing = await client.createListing(newListing);
      const token = (await (
        await fetch(`${sim.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', ...{ client_id: 'cardlink', client_secret: 'test-secret' } }) })
      ).json()) as { access_token: string };
      const adjust = (delta: number) =>
        fetch(`${sim.url}/api/listings/${listing.listingId}/stock-adjustments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
          body: JSON.stringify({ delta }),
        });

      const first = await adjust(4);
      const again = await adjust(4);
      const other = await adjust(7);

      expect([first.status, again.status, other.status]).toEqual([200, 200, 422]);
      expect(await again.json()).toEqual({ listingId: listing.listingId, stock: 9, applied: 4 });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await other.json()).toMatchObject({ error: 'idempotency_key_reused' });
      expect(sim.listing(listing.listingId).stock).toBe(9);
    });

    it('an answer lost after the effect (5xx after applying) is repaired by the retry, with one effect', async () => {
      const listing = await client.createListing(newListing);
      sim.addFault({ method: 'POST', pathPattern: '/stock-adjustments$', status: 503, times: 2, afterEffect: true });

      await expect(client.adjustStock(listing.listingId, -2, 'sold elsewhere')).resolves.toEqual({ listingId: listing.listingId, stock: 3, applied: -2 });

      expect(sim.records('stock').filter((r) => r.source === 'adjustment')).toHaveLength(1);
      expect(sim.records('fault')).toHaveLength(2);
    });

    it('injects 429 with Retry-After and 5xx for a number of requests, over HTTP too', async () => {
      await client.createListing(newListing);
      const injected = await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'GET', pathPattern: '^/api/listings$', status: 429, times: 1, retryAfterSeconds: 1 }),
      });
      expect(injected.status).toBe(201);
      sim.addFault({ method: 'GET', pathPattern: '^/api/listings$', status: 500, times: 1 });

      const started = Date.now();
      await expect(client.listListings()).resolves.toMatchObject({ total: 1 });

      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(sim.records('fault').map((r) => r.status)).toEqual([429, 500]);

      sim.addFault({ method: '*', pathPattern: '^/api/', status: 503, times: 100 });
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
      await expect(client.listListings()).resolves.toMatchObject({ total: 1 });
    });

    it('keeps a timed fault for a while, then the shop answers again', async () => {
      await client.createListing(newListing);
      const patient = new ShopClient({ baseUrl: sim.url, ...CLIENT, backoffBaseMs: 100, backoffMaxMs: 200, maxAttempts: 30, random: () => 1 });
      await patient.listListings();
      sim.addFault({ pathPattern: '^/api/listings$', status: 503, forMs: 1_000 });

      await expect(patient.listListings()).resolves.toMatchObject({ total: 1 });

      const faulted = sim.records('fault').length;
      expect(faulted).toBeGreaterThanOrEqual(2);
      expect(faulted).toBeLessThanOrEqual(12);
    });

    it('refuses a fault it cannot apply', async () => {
      const response = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pathPattern: '(', status: 200 }) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('pathPattern') });
    });
  });

  describe('buyers, webhooks and the payment provider', () => {
    it('sends an order.paid webhook that verifies with standardwebhooks and matches the contract, retrying until acknowledged', async () => {
      await start();
      const listing = sim.createListing(newListing);
      gateway.answers = [500, 503];

      const result = await sim.placeOrder({ listingId: listing.listingId, quantity: 2, buyer, shopOrderId: 'SO-1', channel: 'alipay' });

      expect(result).toMatchObject({ outcome: 'placed', webhook: { acknowledged: true, attempts: 3 } });
      const attempts = gateway.webhooks();
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set(['msg_paid_SO-1']));
      const verifier = new Webhook(WEBHOOK_SECRET);
      for (const attempt of attempts) {
        expect(() => verifier.verify(attempt.body, attempt.headers as Record<string, string>)).not.toThrow();
      }
      const tampered = attempts[0] as Received;
      expect(() => verifier.verify(tampered.body.replace('"quantity":2', '"quantity":3'), tampered.headers as Record<string, string>)).toThrow();
      const payload = JSON.parse(attempts[2]?.body ?? '') as { type: string; data: unknown };
      expect(payload.type).toBe('order.paid');
      const data = validateEventData(ShopOrderPaid, payload.data);
      expect(data.order).toMatchObject({
        shopOrderId: 'SO-1',
        buyer: { buyerId: 'buyer-1', email: 'li.wei@example.com', phone: '+8613812345678', ip: '198.51.100.7', deviceId: 'dev-1' },
        lines: [{ lineId: 'SO-1-L1', productId: 'prod-steam-50', shopListingId: listing.listingId, quantity: 2, unitPrice: 4_850 }],
        totalAmount: 9_700,
        currency: 'CNY',
      });
      expect(data.payment).toMatchObject({ paymentId: 'PAY-SO-1', channel: 'alipay', amount: 9_700, currency: 'CNY' });
      expect(sim.records('webhook').map((r) => [r.attempt, r.status, r.acknowledged])).toEqual([
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ]);
    });

    it('redelivers an acknowledged webhook under the same id when asked to, as after a lost acknowledgement', async () => {
      await start({ redeliveryShare: 1 });
      const listing = sim.createListing(newListing);

      await sim.placeOrder({ listingId: listing.listingId, buyer, shopOrderId: 'SO-D' });

      const deliveries = gateway.webhooks();
      expect(deliveries.map((d) => d.headers['webhook-id'])).toEqual(['msg_paid_SO-D', 'msg_paid_SO-D']);
      const verifier = new Webhook(WEBHOOK_SECRET);
      expect(deliveries.map((d) => (verifier.verify(d.body, d.headers as Record<string, string>) as { data: { order: { shopOrderId: string } } }).data.order.shopOrderId)).toEqual([
        'SO-D',
        'SO-D',
      ]);
    });

    it('gives up after the schedule and counts the order as never acknowledged', async () => {
      await start();
      const listing = sim.createListing(newListing);
      gateway.answers = [500, 500, 500, 500];

      const result = await sim.placeOrder({ listingId: listing.listingId, buyer });

      expect(result).toMatchObject({ outcome: 'placed', webhook: { acknowledged: false, attempts: 4, status: 500 } });
      expect(sim.summary()).toMatchObject({ ordersPlaced: 1, notAcknowledged: 1, missing: 1, held: 0 });
    });

    it('sends the provider callback with the HMAC the gateway checks and the payment id as trade number', async () => {
      await start();
      const listing = sim.createListing(newListing);

      await sim.placeOrder({ listingId: listing.listingId, buyer, shopOrderId: 'SO-2', paymentCallback: true });

      const callbacks = gateway.received.filter((r) => r.path === '/callbacks/payments/simulator');
      expect(callbacks).toHaveLength(1);
      const [callback] = callbacks;
      const expected = createHmac('sha256', PROVIDER_SECRET)
        .update(callback?.body ?? '')
        .digest('hex');
      expect(callback?.headers['x-provider-signature']).toBe(expected);
      expect(JSON.parse(callback?.body ?? '')).toMatchObject({ tradeNo: 'PAY-SO-2', shopOrderId: 'SO-2', status: 'paid', amount: 4_850, currency: 'CNY' });
    });

    it('a shop-side listing change is applied and reported as product.updated', async () => {
      await start();
      const listing = sim.createListing(newListing);

      await sim.changeListingOnShopSide(listing.listingId, { price: 3_000 });

      expect(sim.listing(listing.listingId).price).toEqual({ amount: 3_000, currency: 'CNY' });
      const payload = JSON.parse(gateway.webhooks()[0]?.body ?? '') as { type: string; data: unknown };
      expect(payload.type).toBe('product.updated');
      expect(validateEventData(ShopProductUpdated, payload.data)).toMatchObject({ shopListingId: listing.listingId, changes: { price: 3_000, currency: 'CNY' } });
      expect(sim.records('listing').map((r) => r.action)).toEqual(['created', 'shop-change']);
    });
  });

  describe('fulfilments, refunds, settlement, SMS and the summary', () => {
    beforeEach(() => start());

    it('records fulfilments; the summary counts completed orders, latency and duplicates', async () => {
      const listing = sim.createListing({ ...newListing, stock: 10 });
      await sim.placeOrder({ listingId: listing.listingId, quantity: 2, buyer, shopOrderId: 'SO-A' });
      await sim.placeOrder({ listingId: listing.listingId, quantity: 1, buyer, shopOrderId: 'SO-B' });
      await sim.placeOrder({ listingId: listing.listingId, quantity: 2, buyer, shopOrderId: 'SO-C' });
      await sim.placeOrder({ listingId: listing.listingId, quantity: 1, buyer, shopOrderId: 'SO-D' });

      await client.fulfilOrder('SO-A', { lineId: 'SO-A-L1', cards: [{ code: 'AAAA-1', password: 'p1' }, { code: 'AAAA-2' }] }, 'delivery-A');
      await client.fulfilOrder('SO-A', { lineId: 'SO-A-L1', cards: [{ code: 'AAAA-1', password: 'p1' }, { code: 'AAAA-2' }] }, 'delivery-A');
      await client.fulfilOrder('SO-B', { lineId: 'SO-B-L1', cards: [{ code: 'AAAA-2' }] });
      await client.fulfilOrder('SO-C', { lineId: 'SO-C-L1', cards: [{ code: 'CCCC-1' }] });
      await expect(client.fulfilOrder('SO-D', { lineId: 'SO-X-L1', cards: [{ code: 'D' }] })).rejects.toMatchObject({ status: 404, code: 'unknown_line' });
      await expect(client.fulfilOrder('SO-D', { lineId: 'SO-D-L1', cards: [{ code: 'D1' }, { code: 'D2' }] })).rejects.toMatchObject({ status: 400, code: 'too_many_cards' });

      const summary = sim.summary();
      expect(summary).toMatchObject({ ordersPlaced: 4, completed: 2, partial: 1, held: 1, refunded: 0, duplicates: 1, overDelivered: 0, missing: 1, fulfilmentCalls: 3 });
      expect(summary.paidToDeliveredMs?.count).toBe(2);
      expect(sim.records('fulfilment').map((r) => r.shopOrderId)).toEqual(['SO-A', 'SO-B', 'SO-C']);
      const page = await client.listOrders({ status: 'fulfilled' });
      expect(page.items.map((o) => o.shopOrderId)).toEqual(['SO-A', 'SO-B']);
    });

    it('accepts a refund once per refundId, refuses more than was paid, and reports it to the gateway', async () => {
      const listing = sim.createListing(newListing);
      await sim.placeOrder({ listingId: listing.listingId, quantity: 2, buyer, shopOrderId: 'SO-R' });
      const refund = { refundId: 'RF-1', amount: { amount: 9_700, currency: 'CNY' }, reason: 'rejected by risk control' };

      await expect(client.requestRefund('SO-R', refund)).resolves.toEqual({ refundId: 'RF-1', status: 'accepted' });
      await expect(client.requestRefund('SO-R', refund, { idempotencyKey: 'another-key' })).resolves.toEqual({ refundId: 'RF-1', status: 'accepted' });
      await expect(client.requestRefund('SO-R', { ...refund, refundId: 'RF-2', amount: { amount: 1, currency: 'CNY' } })).rejects.toMatchObject({
        status: 422,
        code: 'amount_exceeds_refundable',
      });
      await sim.settled();

      expect(sim.records('refund')).toHaveLength(1);
      expect(sim.summary()).toMatchObject({ refunded: 1, refundReasons: { 'rejected by risk control': 1 } });
      const refunded = gateway.webhooks().map((w) => JSON.parse(w.body) as { type: string; data: unknown }).filter((p) => p.type === 'order.refunded');
      expect(refunded).toHaveLength(1);
      expect(validateEventData(ShopOrderRefunded, refunded[0]?.data)).toMatchObject({ shopOrderId: 'SO-R', refundId: 'RF-1', amount: 9_700 });
    });

    it('writes the day’s payments and refunds into the settlement file', async () => {
      const listing = sim.createListing(newListing);
      await sim.placeOrder({ listingId: listing.listingId, buyer, shopOrderId: 'SO-S', channel: 'wechat' });
      await client.requestRefund('SO-S', { refundId: 'RF-S', amount: { amount: 850, currency: 'CNY' }, reason: 'after-sale' });
      const today = new Date().toISOString().slice(0, 10);

      const csv = await client.downloadSettlement(today);

      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('trade_no,shop_order_id,type,channel,amount,fee,net,currency,occurred_at,refund_id');
      expect(lines[1]).toMatch(/^PAY-SO-S,SO-S,payment,wechat,4850,29,4821,CNY,[^,]+,$/);
      expect(lines[2]).toMatch(/^PAY-SO-S,SO-S,refund,wechat,-850,0,-850,CNY,[^,]+,RF-S$/);
      await expect(client.downloadSettlement('1999-01-01')).resolves.toBe('trade_no,shop_order_id,type,channel,amount,fee,net,currency,occurred_at,refund_id\n');
    });

    it('plants differences in the order list and the settlement file, over HTTP too, without changing what happened', async () => {
      const listing = sim.createListing({ ...newListing, stock: 10 });
      for (const id of ['SO-H', 'SO-T', 'SO-O', 'SO-M', 'SO-X']) await sim.placeOrder({ listingId: listing.listingId, buyer, shopOrderId: id, channel: 'alipay' });
      await client.requestRefund('SO-X', { refundId: 'RF-X', amount: { amount: 4_850, currency: 'CNY' }, reason: 'rejected' });

      sim.plantDiscrepancy('SO-H', { hiddenFromOrderList: true });
      sim.plantDiscrepancy('SO-T', { listedTotalAmount: 4_000 });
      const overHttp = await fetch(`${sim.url}/_sim/orders/SO-O/discrepancies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ omitPaymentFromSettlement: true }),
      });
      expect(overHttp.status).toBe(200);
      await expect(overHttp.json()).resolves.toEqual({ omitPaymentFromSettlement: true });
      sim.plantDiscrepancy('SO-M', { settledAmount: 4_800 });
      sim.plantDiscrepancy('SO-X', { extraSettlementRefund: { refundId: 'RF-X2', amount: 4_850 } });
      const nothing = await fetch(`${sim.url}/_sim/orders/SO-M/discrepancies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(nothing.status).toBe(400);
      const unknown = await fetch(`${sim.url}/_sim/orders/SO-NONE/discrepancies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hiddenFromOrderList":true}' });
      expect(unknown.status).toBe(404);

      const listed = await client.listOrders({ pageSize: 10 });
      expect(listed.items.map((o) => [o.shopOrderId, o.totalAmount])).toEqual([
        ['SO-T', 4_000],
        ['SO-O', 4_850],
        ['SO-M', 4_850],
        ['SO-X', 4_850],
      ]);
      expect(sim.shop.order('SO-T').totalAmount).toBe(4_850);
      const rows = (await client.downloadSettlement(new Date().toISOString().slice(0, 10))).trim().split('\n').slice(1).map((line) => line.split(','));
      expect(rows.map((r) => [r[1], r[2], r[4], r[9]])).toEqual([
        ['SO-H', 'payment', '4850', ''],
        ['SO-T', 'payment', '4850', ''],
        ['SO-M', 'payment', '4800', ''],
        ['SO-X', 'payment', '4850', ''],
        ['SO-X', 'refund', '-4850', 'RF-X'],
        ['SO-X', 'refund', '-4850', 'RF-X2'],
      ]);
      expect(sim.records('refund')).toHaveLength(1);
    });

    it('logs the API requests it was sent and lets a fault skip the first matching ones', async () => {
      const listing = sim.createListing({ ...newListing, stock: 10 });
      for (const id of ['SO-1', 'SO-2', 'SO-3']) await sim.placeOrder({ listingId: listing.listingId, buyer, shopOrderId: id });
      sim.addFault({ method: 'GET', pathPattern: '^/api/orders$', status: 400, skip: 1 });
      const before = sim.apiRequests().at(-1)?.seq ?? 0;

      await expect(client.listOrders({ page: 1, pageSize: 1 })).resolves.toMatchObject({ items: [{ shopOrderId: 'SO-1' }] });
      await expect(client.listOrders({ page: 2, pageSize: 1 })).rejects.toMatchObject({ status: 400 });
      await expect(client.listOrders({ page: 2, pageSize: 1 })).resolves.toMatchObject({ items: [{ shopOrderId: 'SO-2' }] });

      const logged = sim.apiRequests(before).filter((r) => r.path === '/api/orders');
      expect(logged.map((r) => r.query['page'])).toEqual(['1', '2', '2']);
      const overHttp = (await (await fetch(`${sim.url}/_sim/requests?since=${before}`)).json()) as { items: { path: string }[] };
      expect(overHttp.items.filter((r) => r.path === '/api/orders')).toHaveLength(3);
      expect(sim.records('fault')).toHaveLength(1);
    });

    it('takes SMS with the API key and refuses invalid numbers permanently', async () => {
      const sms = new SmsProviderClient({ baseUrl: sim.url, apiKey: 'sms-key' });
      const wrongKey = new SmsProviderClient({ baseUrl: sim.url, apiKey: 'nope' });

      await expect(sms.sendSms('+8613812345678', 'Your code: 1234')).resolves.toEqual({ messageId: expect.any(String) });
      await expect(sms.sendSms('12ab', 'x')).rejects.toMatchObject({ status: 400, code: 'invalid_number', retryable: false });
      await expect(wrongKey.sendSms('+8613812345678', 'x')).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });

      const response = await fetch(`${sim.url}/_sim/records?kind=sms`);
      expect(await response.json()).toEqual({ items: [expect.objectContaining({ kind: 'sms', to: '+8613812345678', text: 'Your code: 1234' })] });
    });

    it('places orders and reports the summary over HTTP', async () => {
      const listing = sim.createListing(newListing);

      const placed = await fetch(`${sim.url}/_sim/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ listingId: listing.listingId, quantity: 6, buyer }),
      });
      const ok = await fetch(`${sim.url}/_sim/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ externalId: 'prod-steam-50', buyer }) });
      const invalid = await fetch(`${sim.url}/_sim/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ buyer: {} }) });

      expect(placed.status).toBe(409);
      expect(await placed.json()).toMatchObject({ outcome: 'out_of_stock', available: 5, requested: 6 });
      expect(ok.status).toBe(201);
      expect(invalid.status).toBe(400);
      const summary = (await (await fetch(`${sim.url}/_sim/summary`)).json()) as { ordersPlaced: number; outOfStock: number };
      expect(summary).toMatchObject({ ordersPlaced: 1, outOfStock: 1 });
    });
  });
});
