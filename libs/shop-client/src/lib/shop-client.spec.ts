import { z } from 'zod';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ShopApiError } from './errors';
import { ShopClient, type ShopClientOptions } from './shop-client';
import { SmsProviderClient } from './sms-provider-client';
import { shopClientEnvSchema } from './config';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number; text?: string };
type Handler = (request: Seen, attempt: number) => Reply;

/** A real HTTP server standing in for the shop; each test scripts its answers. */
class FakeShop {
  readonly seen: Seen[] = [];
  tokensIssued = 0;
  validTokens = new Set<string>();
  clientSecret = 'secret-1';
  tokenLifetimeSeconds = 3600;
  tokenDelayMs = 0;
  private readonly routes = new Map<string, Handler>();
  private readonly counts = new Map<string, number>();
  private server!: Server;
  url = '';

  route(method: string, path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  requests(method: string, path: string): Seen[] {
    return this.seen.filter((r) => r.method === method && r.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://x');
    const seen: Seen = { method: request.method ?? '', path: url.pathname + url.search, headers: request.headers, body: Buffer.concat(chunks).toString() };
    this.seen.push(seen);
    const reply = this.answer(seen, url.pathname);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.writeHead(reply.status, { 'content-type': reply.text !== undefined ? 'text/csv' : 'application/json', ...reply.headers });
    response.end(reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
  }

  private answer(seen: Seen, pathname: string): Reply {
    if (seen.method === 'POST' && pathname === '/oauth/token') {
      const form = new URLSearchParams(seen.body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== this.clientSecret) {
        return { status: 401, body: { error: 'invalid_client', message: 'unknown client or wrong secret' } };
      }
      this.tokensIssued += 1;
      const token = `token-${this.tokensIssued}`;
      this.validTokens.add(token);
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds }, delayMs: this.tokenDelayMs };
    }
    if (pathname.startsWith('/api/')) {
      const token = (seen.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!this.validTokens.has(token)) return { status: 401, body: { error: 'invalid_token', message: 'the access token expired' } };
    }
    const key = `${seen.method} ${pathname}`;
    const handler = this.routes.get(key);
    if (!handler) return { status: 404, body: { error: 'not_found', message: `no route ${key}` } };
    const attempt = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, attempt);
    return handler(seen, attempt);
  }
}

const listing = {
  listingId: 'L1',
  externalId: 'prod-1',
  title: 'Steam 50',
  description: 'A code',
  price: { amount: 4850, currency: 'CNY' },
  categoryIds: ['games'],
  stock: 10,
  status: 'listed',
  updatedAt: '2026-11-27T03:00:00.000Z',
};
const newListing = { externalId: 'prod-1', title: 'Steam 50', description: 'A code', price: { amount: 4850, currency: 'CNY' }, categoryIds: ['games'], stock: 10, status: 'listed' as const };

describe('ShopClient', () => {
  let shop: FakeShop;
  let delays: number[];

  function client(options: Partial<ShopClientOptions> = {}): ShopClient {
    return new ShopClient({
      baseUrl: shop.url,
      clientId: 'cardlink',
      clientSecret: 'secret-1',
      backoffBaseMs: 1,
      // Generous: a loaded CI machine must not turn a slow answer into a retry the test did not expect.
      timeoutMs: 10_000,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
  }

  beforeEach(async () => {
    shop = new FakeShop();
    delays = [];
    await shop.start();
  });

  afterEach(async () => {
    await shop.stop();
  });

  describe('OAuth2 client credentials', () => {
    it('fetches one token for concurrent calls and reuses it', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: listing }));
      const shopClient = client();

      await Promise.all([shopClient.getListing('L1'), shopClient.getListing('L1'), shopClient.getListing('L1')]);
      await shopClient.getListing('L1');

      expect(shop.tokensIssued).toBe(1);
      expect(shop.requests('GET', '/api/listings/L1').map((r) => r.headers.authorization)).toEqual(Array(4).fill('Bearer token-1'));
      const form = new URLSearchParams(shop.requests('POST', '/oauth/token')[0]?.body);
      expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', client_id: 'cardlink', client_secret: 'secret-1' });
    });

    it('on 401 invalid_token fetches a new token once and repeats the call', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: listing }));
      const shopClient = client();
      await shopClient.getListing('L1');
      shop.validTokens.clear(); // the shop revokes or expires token-1

      await expect(shopClient.getListing('L1')).resolves.toEqual(listing);

      expect(shop.tokensIssued).toBe(2);
      expect(shop.requests('GET', '/api/listings/L1').map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
    });

    it('refreshes only once: a token the shop keeps rejecting fails the call', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 401, body: { error: 'invalid_token', message: 'token revoked' } }));

      const error = (await client().getListing('L1').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toBeInstanceOf(ShopApiError);
      expect(error).toMatchObject({ status: 401, code: 'invalid_token', retryable: false });
      expect(shop.tokensIssued).toBe(2);
      expect(shop.requests('GET', '/api/listings/L1')).toHaveLength(2);
    });

    it('renews the token before it expires, so no call goes out with an expired one', async () => {
      shop.tokenLifetimeSeconds = 120;
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: listing }));
      let now = 1_000_000;
      const shopClient = client({ now: () => now, tokenRefreshMarginMs: 30_000 });
      await shopClient.getListing('L1');

      now += 95_000; // inside the 30 s margin: renew in the background, use the old one meanwhile
      await shopClient.getListing('L1');
      while (shop.tokensIssued < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await shopClient.getListing('L1');
      now += 200_000; // past the second token's expiry: fetch before calling
      await shopClient.getListing('L1');

      expect(shop.tokensIssued).toBe(3);
      expect(shop.requests('GET', '/api/listings/L1').map((r) => r.headers.authorization)).toEqual([
        'Bearer token-1',
        'Bearer token-1',
        'Bearer token-2',
        'Bearer token-3',
      ]);
    });

    it('wrong client credentials fail at once with invalid_client', async () => {
      shop.clientSecret = 'rotated';
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: listing }));

      const error = (await client().getListing('L1').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 401, code: 'invalid_client', retryable: false, method: 'POST', path: '/oauth/token', attempts: 1 });
      expect(error.message).toBe('POST /oauth/token failed (401 invalid_client: unknown client or wrong secret) after 1 attempt');
      expect(shop.requests('GET', '/api/listings/L1')).toHaveLength(0);
    });
  });

  describe('rate limits and retries', () => {
    it('waits as long as Retry-After says on 429, then succeeds', async () => {
      shop.route('GET', '/api/listings/L1', (_request, attempt) =>
        attempt === 1 ? { status: 429, body: { error: 'rate_limited', message: 'slow down' }, headers: { 'retry-after': '2' } } : { status: 200, body: listing },
      );

      await expect(client().getListing('L1')).resolves.toEqual(listing);

      expect(delays).toEqual([2_000]);
      expect(shop.requests('GET', '/api/listings/L1')).toHaveLength(2);
    });

    it('really sleeps through Retry-After without an injected clock', async () => {
      shop.route('GET', '/api/listings/L1', (_request, attempt) =>
        attempt === 1 ? { status: 429, body: { error: 'rate_limited' }, headers: { 'retry-after': '1' } } : { status: 200, body: listing },
      );
      const shopClient = new ShopClient({ baseUrl: shop.url, clientId: 'cardlink', clientSecret: 'secret-1' });

      const started = Date.now();
      await shopClient.getListing('L1');

      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('does not wait out a Retry-After longer than the cap; the error is retryable and says how long', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 429, body: { error: 'rate_limited' }, headers: { 'retry-after': '600' } }));

      const error = (await client({ maxRetryAfterMs: 10_000 }).getListing('L1').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryable: true, retryAfterMs: 600_000, attempts: 1 });
      expect(delays).toEqual([]);
    });

    it('retries 503 with growing backoff and keeps the Idempotency-Key', async () => {
      shop.route('POST', '/api/listings', (_request, attempt) => (attempt <= 2 ? { status: 503, body: { error: 'unavailable', message: 'maintenance' } } : { status: 201, body: listing }));

      const created = await client({ backoffBaseMs: 100, random: () => 0.5 }).createListing(newListing);

      expect(created).toEqual(listing);
      const attempts = shop.requests('POST', '/api/listings');
      expect(attempts).toHaveLength(3);
      const keys = attempts.map((r) => r.headers['idempotency-key']);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(keys).size).toBe(1);
      expect(JSON.parse(attempts[2]?.body ?? '')).toEqual(newListing);
      expect(delays).toEqual([50, 100]);
    });

    it('uses the caller’s idempotency key, and a new key for each separate call', async () => {
      shop.route('POST', '/api/orders/O1/fulfilments', (_request, attempt) => (attempt === 1 ? { status: 500, body: { error: 'server_error' } } : { status: 201, body: { fulfilmentId: 'F1' } }));
      const shopClient = client();

      await shopClient.fulfilOrder('O1', { lineId: 'line-1', cards: [{ code: 'AAAA-BBBB' }] }, 'delivery-42');
      await shopClient.fulfilOrder('O1', { lineId: 'line-2', cards: [{ code: 'CCCC' }] });
      await shopClient.fulfilOrder('O1', { lineId: 'line-3', cards: [{ code: 'DDDD' }] });

      const keys = shop.requests('POST', '/api/orders/O1/fulfilments').map((r) => r.headers['idempotency-key']);
      expect(keys.slice(0, 2)).toEqual(['delivery-42', 'delivery-42']);
      expect(keys[2]).not.toEqual(keys[3]);
    });

    it('gives up when the budget is spent, with the last status and the attempt count', async () => {
      shop.route('PUT', '/api/listings/L1/stock', () => ({ status: 502, body: { error: 'bad_gateway', message: 'upstream down' } }));

      const error = (await client({ maxAttempts: 3 }).setStock('L1', 5).catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 502, code: 'bad_gateway', retryable: true, attempts: 3, method: 'PUT', path: '/api/listings/L1/stock' });
      expect(error.message).toBe('PUT /api/listings/L1/stock failed (502 bad_gateway: upstream down) after 3 attempts; retryable');
      expect(shop.requests('PUT', '/api/listings/L1/stock')).toHaveLength(3);
    });

    it('fails fast on 400 with the shop’s explanation', async () => {
      shop.route('POST', '/api/listings/L1/stock-adjustments', () => ({ status: 400, body: { error: 'invalid_request', message: 'delta must be an integer' } }));

      const error = (await client().adjustStock('L1', -2, 'sold').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 400, code: 'invalid_request', retryable: false, attempts: 1, detail: 'delta must be an integer' });
      expect(shop.requests('POST', '/api/listings/L1/stock-adjustments')).toHaveLength(1);
      expect(delays).toEqual([]);
    });

    it('times out a slow attempt and retries it', async () => {
      shop.route('GET', '/api/listings/L1', (_request, attempt) => (attempt === 1 ? { status: 200, body: listing, delayMs: 4_000 } : { status: 200, body: listing }));

      await expect(client({ timeoutMs: 1_000 }).getListing('L1')).resolves.toEqual(listing);

      expect(shop.requests('GET', '/api/listings/L1').length).toBeGreaterThanOrEqual(2);
    });

    it('reports a timeout when every attempt is too slow', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: listing, delayMs: 1_000 }));

      const error = (await client({ timeoutMs: 100, maxAttempts: 2 }).getListing('L1').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 0, code: 'timeout', retryable: true, attempts: 2 });
      expect(error.message).toContain('no complete answer within 100 ms');
    });

    it('retries network errors and reports them when the shop is unreachable', async () => {
      await shop.stop();
      const error = (await client({ maxAttempts: 2 }).getListing('L1').catch((e: unknown) => e)) as ShopApiError;
      await shop.start();

      expect(error).toMatchObject({ status: 0, code: 'network_error', retryable: true, attempts: 2 });
      expect(delays).toHaveLength(1);
    });

    it('stops at once when the caller aborts', async () => {
      const controller = new AbortController();
      shop.route('GET', '/api/listings/L1', () => {
        controller.abort();
        return { status: 200, body: listing, delayMs: 1_000 };
      });

      const error = (await client().getListing('L1', { signal: controller.signal }).catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 0, code: 'aborted', retryable: false });
      expect(shop.requests('GET', '/api/listings/L1')).toHaveLength(1);
    });

    it('rejects an answer that does not match the contract', async () => {
      shop.route('GET', '/api/listings/L1', () => ({ status: 200, body: { ...listing, stock: -1 } }));

      const error = (await client().getListing('L1').catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
      expect(error.message).toContain('stock');
    });

    it('stops waiting for a slow token when the caller aborts', async () => {
      shop.tokenDelayMs = 3_000;
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);

      const started = Date.now();
      const error = (await client().getListing('L1', { signal: controller.signal }).catch((e: unknown) => e)) as ShopApiError;

      expect(error).toMatchObject({ status: 0, code: 'aborted', retryable: false });
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(shop.requests('GET', '/api/listings/L1')).toHaveLength(0);
    });
  });

  describe('calls', () => {
    it('pages through every listing', async () => {
      const all = Array.from({ length: 5 }, (_, i) => ({ ...listing, listingId: `L${i + 1}` }));
      shop.route('GET', '/api/listings', (request) => {
        const query = new URL(request.path, 'http://x').searchParams;
        const page = Number(query.get('page'));
        const pageSize = Number(query.get('pageSize'));
        return { status: 200, body: { items: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: all.length } };
      });

      const ids: string[] = [];
      for await (const item of client().allListings({ pageSize: 2 })) ids.push(item.listingId);

      expect(ids).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
      expect(shop.requests('GET', '/api/listings?page=3&pageSize=2')).toHaveLength(1);
      expect(shop.seen.filter((r) => r.path.startsWith('/api/listings?'))).toHaveLength(3);
    });

    it('filters orders and iterates over them', async () => {
      const order = {
        shopOrderId: 'O1',
        status: 'paid',
        buyer: { buyerId: 'b1', email: 'a@example.com' },
        lines: [{ lineId: 'line-1', productId: 'prod-1', shopListingId: 'L1', quantity: 1, unitPrice: 100 }],
        totalAmount: 100,
        currency: 'CNY',
        createdAt: '2026-11-27T03:00:00.000Z',
      };
      shop.route('GET', '/api/orders', () => ({ status: 200, body: { items: [order], page: 1, pageSize: 100, total: 1 } }));

      const orders = [];
      for await (const item of client().allOrders({ status: 'paid', from: '2026-11-27T00:00:00Z' })) orders.push(item);

      expect(orders).toEqual([order]);
      const query = new URL(shop.seen.find((r) => r.path.startsWith('/api/orders?'))?.path ?? '', 'http://x').searchParams;
      expect(Object.fromEntries(query)).toEqual({ status: 'paid', from: '2026-11-27T00:00:00Z', page: '1', pageSize: '100' });
    });

    it('sends stock changes, delisting and refunds as the shop expects', async () => {
      shop.route('POST', '/api/listings/L1/stock-adjustments', () => ({ status: 200, body: { listingId: 'L1', stock: 7, applied: -3 } }));
      shop.route('PATCH', '/api/listings/L1', () => ({ status: 200, body: { ...listing, status: 'delisted' } }));
      shop.route('POST', '/api/orders/O1/refunds', () => ({ status: 201, body: { refundId: 'R1', status: 'accepted' } }));
      const shopClient = client();

      await expect(shopClient.adjustStock('L1', -3, 'sold')).resolves.toEqual({ listingId: 'L1', stock: 7, applied: -3 });
      await expect(shopClient.delist('L1')).resolves.toMatchObject({ status: 'delisted' });
      await expect(shopClient.requestRefund('O1', { refundId: 'R1', amount: { amount: 100, currency: 'CNY' }, reason: 'out of stock' })).resolves.toEqual({
        refundId: 'R1',
        status: 'accepted',
      });

      expect(JSON.parse(shop.requests('POST', '/api/listings/L1/stock-adjustments')[0]?.body ?? '')).toEqual({ delta: -3, reason: 'sold' });
      expect(JSON.parse(shop.requests('PATCH', '/api/listings/L1')[0]?.body ?? '')).toEqual({ status: 'delisted' });
      expect(shop.requests('POST', '/api/orders/O1/refunds')[0]?.headers['idempotency-key']).toBe('refund:O1:R1');
    });

    it('downloads a settlement file as text and refuses a malformed date', async () => {
      const csv = 'trade_no,order_id,amount\nT1,O1,100\n';
      shop.route('GET', '/provider/settlements/2026-11-26.csv', () => ({ status: 200, text: csv }));
      const shopClient = client();

      await expect(shopClient.downloadSettlement('2026-11-26')).resolves.toBe(csv);
      expect(() => shopClient.downloadSettlement('26.11.2026')).toThrow('settlement date must be YYYY-MM-DD, got "26.11.2026"');
    });
  });
});

describe('SmsProviderClient', () => {
  let shop: FakeShop;

  beforeEach(async () => {
    shop = new FakeShop();
    await shop.start();
  });

  afterEach(async () => {
    await shop.stop();
  });

  it('sends with the API key and treats invalid_number as permanent', async () => {
    shop.route('POST', '/sms/messages', (request) =>
      JSON.parse(request.body).to === '+8613800000000' ? { status: 202, body: { messageId: 'M1' } } : { status: 400, body: { error: 'invalid_number', message: 'not a mobile number' } },
    );
    const sms = new SmsProviderClient({ baseUrl: shop.url, apiKey: 'sms-key', backoffBaseMs: 1 });

    await expect(sms.sendSms('+8613800000000', 'Your code')).resolves.toEqual({ messageId: 'M1' });
    const error = (await sms.sendSms('12', 'Your code').catch((e: unknown) => e)) as ShopApiError;

    expect(error).toMatchObject({ status: 400, code: 'invalid_number', retryable: false, attempts: 1 });
    expect(shop.requests('POST', '/sms/messages').map((r) => r.headers.authorization)).toEqual(['Bearer sms-key', 'Bearer sms-key']);
  });
});

describe('shopClientEnvSchema', () => {
  it('defaults the timeout and the attempts', () => {
    expect(shopClientEnvSchema.parse({ SHOP_API_URL: 'http://127.0.0.1:4100', SHOP_CLIENT_ID: 'cardlink', SHOP_CLIENT_SECRET: 's' })).toEqual({
      SHOP_API_URL: 'http://127.0.0.1:4100',
      SHOP_CLIENT_ID: 'cardlink',
      SHOP_CLIENT_SECRET: 's',
      SHOP_API_TIMEOUT_MS: 5_000,
      SHOP_API_MAX_ATTEMPTS: 5,
    });
  });

  it('names what is missing or wrong', () => {
    const result = shopClientEnvSchema.safeParse({ SHOP_API_URL: 'not a url', SHOP_API_MAX_ATTEMPTS: '0' });
    const issues = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SHOP_API_URL: required: the shop API base URL/),
        expect.stringMatching(/^SHOP_CLIENT_ID: required/),
        expect.stringMatching(/^SHOP_CLIENT_SECRET: required/),
        'SHOP_API_MAX_ATTEMPTS: at least 1',
      ]),
    );
  });

  it('extends a service schema', () => {
    const schema = shopClientEnvSchema.extend({ PORT: z.coerce.number() });
    expect(schema.parse({ SHOP_API_URL: 'http://shop', SHOP_CLIENT_ID: 'a', SHOP_CLIENT_SECRET: 'b', PORT: '80' })).toMatchObject({ PORT: 80 });
  });
});
