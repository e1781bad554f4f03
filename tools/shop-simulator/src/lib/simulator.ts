import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { mulberry32 } from './random';
import { RECORD_KINDS, RecordBook, type RecordKind } from './records';
import {
  describeIssues,
  DiscrepancyBody,
  FaultBody,
  FulfilmentBody,
  ListingChangesBody,
  NewListingBody,
  PlaceOrderBody,
  RefundBody,
  SetStockBody,
  ShopSideChangeBody,
  SmsBody,
  StockAdjustmentBody,
  type Discrepancy,
  type Fault,
  type PlaceOrderInput,
} from './schemas';
import { DEFAULT_SENDER_SCHEDULE, PaymentCallbackSender, WebhookSender, type Delivery, type RetrySchedule } from './senders';
import { DEFAULT_FEE_RATES, Shop, ShopRefusal, type Listing, type Payment, type ShopOrder } from './shop';
import { summarize, type OrderTracking, type RunSummary } from './summary';

export interface ShopSimulatorOptions {
  /** 0 picks a free port. Default 4100. */
  port?: number;
  host?: string;
  /** OAuth2 clients allowed to call /api. Default: SHOP_CLIENT_ID / SHOP_CLIENT_SECRET of the environment, else cardlink / cardlink-dev-secret. */
  clients?: { clientId: string; clientSecret: string }[];
  tokenTtlSeconds?: number;
  /** Bearer key of the SMS endpoint. */
  smsApiKey?: string;
  /** Numbers the SMS provider refuses as invalid_number, besides malformed ones. */
  invalidSmsNumbers?: string[];
  /** shop-gateway; without it no webhooks or callbacks are sent. */
  gatewayUrl?: string;
  /** whsec_… secret of the shop's Standard Webhooks signature (shop-gateway's SHOP_WEBHOOK_SECRET). */
  webhookSecret?: string;
  /** shop-gateway's PAYMENT_PROVIDER_SECRET; without it no payment callbacks are sent. */
  paymentProviderSecret?: string;
  /** Share of orders (0–1) that also get the provider's signed payment callback. Default 0. */
  paymentCallbackShare?: number;
  /** Share of orders (0–1) whose `order.paid` webhook is delivered a second time after it was acknowledged, as after a lost acknowledgement. Default 0. */
  redeliveryShare?: number;
  /** Send `order.refunded` to the gateway when a refund is accepted. Default true. */
  refundWebhooks?: boolean;
  senderSchedule?: Partial<RetrySchedule>;
  feeRates?: Record<string, number>;
  /** Seeds the choices the simulator makes itself (payment channel, which orders get a callback). */
  seed?: number;
}

export interface PlacedOrder {
  outcome: 'placed';
  order: ShopOrder;
  payment: Payment;
  /** The `order.paid` webhook's delivery; absent without a gateway. */
  webhook?: Delivery;
  callback?: Delivery;
}

export type PlaceOrderResult =
  | PlacedOrder
  | { outcome: 'out_of_stock'; shopOrderId: string; listingId: string; requested: number; available: number }
  | { outcome: 'unavailable'; shopOrderId: string; reason: string };

export interface RunningShopSimulator {
  url: string;
  close(): Promise<void>;
  /** What the shop received or did, in order; `since` is a record's seq. */
  records: RecordBook['list'];
  /** A buyer checks out: stock is lowered (or the sale refused), then the signed webhook(s) go to the gateway. */
  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
  /** Creates a listing directly in the shop (as if a merchant did), without OAuth. */
  createListing(listing: z.input<typeof NewListingBody>): Listing;
  listings(): Listing[];
  listing(listingId: string): Listing;
  /** A merchant edits the listing in the shop's back office; the shop sends `product.updated`. */
  changeListingOnShopSide(listingId: string, changes: z.input<typeof ShopSideChangeBody>): Promise<Listing>;
  addFault(fault: z.input<typeof FaultBody>): void;
  clearFaults(): void;
  /** Every token issued so far stops working (401 invalid_token), as after an expiry. */
  expireTokens(): void;
  summary(): RunSummary;
  /** Plants differences in what the shop's order list and the provider's settlement file report about one order. */
  plantDiscrepancy(shopOrderId: string, discrepancy: z.input<typeof DiscrepancyBody>): Discrepancy;
  /** Requests cardlink made to the shop API and the provider (method, path, query), oldest first; `since` is a seq. */
  apiRequests(since?: number): ApiRequest[];
  /** Resolves when every webhook and callback in flight has finished (acknowledged or given up). */
  settled(): Promise<void>;
  shop: Shop;
}

export interface ApiRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
}

/** The request log keeps this many; enough for a test, bounded for a long demo. */
const API_REQUEST_LOG_SIZE = 10_000;

export const DEFAULT_CLIENT = { clientId: 'cardlink', clientSecret: 'cardlink-dev-secret' };
export const DEFAULT_SMS_API_KEY = 'sms-dev-key';
const SMS_NUMBER = /^\+?[1-9][0-9]{6,14}$/;
const MAX_BODY_BYTES = 1024 * 1024;

interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
}

function json(status: number, body: unknown): Answer {
  return { status, body };
}

function refusal(status: number, error: string, message: string): never {
  throw new ShopRefusal(status, error, message);
}

function parse<S extends z.ZodType>(schema: S, request: Request): z.output<S> {
  let body: unknown;
  try {
    body = request.raw === '' ? undefined : JSON.parse(request.raw);
  } catch {
    refusal(400, 'invalid_request', 'the body is not valid JSON');
  }
  const result = schema.safeParse(body);
  if (!result.success) refusal(400, 'invalid_request', describeIssues(result.error));
  return result.data;
}

function pageParams(query: URLSearchParams): { page: number; pageSize: number } {
  const page = query.get('page') === null ? 1 : Number(query.get('page'));
  const pageSize = query.get('pageSize') === null ? 50 : Number(query.get('pageSize'));
  if (!Number.isInteger(page) || page < 1) refusal(400, 'invalid_request', 'page: a positive integer');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) refusal(400, 'invalid_request', 'pageSize: an integer from 1 to 500');
  return { page, pageSize };
}

function paged<T>(items: T[], query: URLSearchParams): { items: T[]; page: number; pageSize: number; total: number } {
  const { page, pageSize } = pageParams(query);
  return { items: items.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: items.length };
}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) refusal(400, 'invalid_request', `${name}: an RFC 3339 timestamp`);
  return time;
}

interface ActiveFault extends Fault {
  regex: RegExp;
  remaining: number;
  until: number;
  passed: number;
}

/**
 * Starts the simulated shop, payment provider and SMS provider on real HTTP.
 * See README.md for the API.
 */
export async function startShopSimulator(options: ShopSimulatorOptions = {}): Promise<RunningShopSimulator> {
  const records = new RecordBook(Date.now);
  const shop = new Shop(records, Date.now, { feeRates: { ...DEFAULT_FEE_RATES, ...options.feeRates } });
  const clients = options.clients ?? [
    {
      clientId: process.env['SHOP_CLIENT_ID'] ?? DEFAULT_CLIENT.clientId,
      clientSecret: process.env['SHOP_CLIENT_SECRET'] ?? DEFAULT_CLIENT.clientSecret,
    },
  ];
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const smsApiKey = options.smsApiKey ?? process.env['SMS_API_KEY'] ?? DEFAULT_SMS_API_KEY;
  const invalidSmsNumbers = new Set(options.invalidSmsNumbers ?? []);
  const random = mulberry32(options.seed ?? 1);
  const schedule: RetrySchedule = { ...DEFAULT_SENDER_SCHEDULE, ...options.senderSchedule };
  const webhooks = options.gatewayUrl && options.webhookSecret ? new WebhookSender(options.gatewayUrl, options.webhookSecret, records, schedule) : undefined;
  const callbacks =
    options.gatewayUrl && options.paymentProviderSecret ? new PaymentCallbackSender(options.gatewayUrl, options.paymentProviderSecret, records, schedule) : undefined;
  if (options.gatewayUrl && !options.webhookSecret) throw new Error('webhookSecret (SHOP_WEBHOOK_SECRET) is required when a gatewayUrl is given');

  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  let faults: ActiveFault[] = [];
  const tracking = new Map<string, OrderTracking>();
  const inFlight = new Set<Promise<unknown>>();
  const apiRequests: ApiRequest[] = [];
  let nextApiRequest = 1;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  function issueToken(request: Request): Answer {
    const form = new URLSearchParams(request.raw);
    if (form.get('grant_type') !== 'client_credentials') {
      return json(400, { error: 'unsupported_grant_type', message: 'grant_type must be client_credentials' });
    }
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const clientId = form.get('client_id') ?? basicId;
    const clientSecret = form.get('client_secret') ?? basicSecret;
    const client = clients.find((c) => c.clientId === clientId);
    if (!client || client.clientSecret !== clientSecret) return json(401, { error: 'invalid_client', message: 'unknown client_id or wrong client_secret' });
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { clientId: client.clientId, expiresAt: Date.now() + tokenTtlSeconds * 1000 });
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds });
  }

  function principalOf(request: Request): string {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) refusal(401, 'invalid_token', 'Authorization: Bearer <access token> is required');
    const grant = tokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) refusal(401, 'invalid_token', 'the access token is expired or unknown');
    return grant.clientId;
  }

  function sendWebhook(webhookId: string, type: string, subject: string, data: unknown): Promise<Delivery> | undefined {
    return webhooks ? track(webhooks.send(webhookId, type, subject, data)) : undefined;
  }

  function afterRefund(shopOrderId: string, refundId: string, amount: { amount: number; currency: string }): void {
    if (options.refundWebhooks === false) return;
    const refundedAt = shop.refundedAt(shopOrderId, refundId) ?? new Date().toISOString();
    void sendWebhook(`msg_refund_${shopOrderId}_${refundId}`, 'order.refunded', shopOrderId, {
      shopOrderId,
      refundId,
      amount: amount.amount,
      currency: amount.currency,
      refundedAt,
    });
  }

  /** The API itself, once OAuth, faults and idempotency are dealt with. */
  function route(request: Request): Answer {
    const { method, path, query } = request;
    let match: RegExpExecArray | null;
    if (path === '/api/listings') {
      if (method === 'POST') return json(201, shop.createListing(parse(NewListingBody, request)));
      if (method === 'GET') return json(200, paged(shop.allListings(), query));
    }
    if ((match = /^\/api\/listings\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(match[1] ?? '');
      if (method === 'GET') return json(200, { ...shop.listing(id) });
      if (method === 'PATCH') return json(200, shop.updateListing(id, parse(ListingChangesBody, request)));
    }
    if ((match = /^\/api\/listings\/([^/]+)\/stock-adjustments$/.exec(path)) && method === 'POST') {
      return json(200, shop.adjustStock(decodeURIComponent(match[1] ?? ''), parse(StockAdjustmentBody, request).delta));
    }
    if ((match = /^\/api\/listings\/([^/]+)\/stock$/.exec(path)) && method === 'PUT') {
      return json(200, shop.setStock(decodeURIComponent(match[1] ?? ''), parse(SetStockBody, request).stock));
    }
    if (path === '/api/orders' && method === 'GET') {
      const status = query.get('status');
      if (status !== null && !['paid', 'fulfilled', 'refunded'].includes(status)) refusal(400, 'invalid_request', 'status: one of paid, fulfilled, refunded');
      const orders = shop.findOrders({ status: (status ?? undefined) as ShopOrder['status'] | undefined, from: timeParam(query, 'from'), to: timeParam(query, 'to') });
      return json(200, paged(orders, query));
    }
    if ((match = /^\/api\/orders\/([^/]+)$/.exec(path)) && method === 'GET') return json(200, shop.order(decodeURIComponent(match[1] ?? '')));
    if ((match = /^\/api\/orders\/([^/]+)\/fulfilments$/.exec(path)) && method === 'POST') {
      const body = parse(FulfilmentBody, request);
      return json(201, shop.fulfil(decodeURIComponent(match[1] ?? ''), body.lineId, body.cards));
    }
    if ((match = /^\/api\/orders\/([^/]+)\/refunds$/.exec(path)) && method === 'POST') {
      const orderId = decodeURIComponent(match[1] ?? '');
      const body = parse(RefundBody, request);
      const result = shop.refund(orderId, body.refundId, body.amount, body.reason);
      if (result.created) afterRefund(orderId, body.refundId, body.amount);
      return json(result.created ? 201 : 200, result.body);
    }
    if (path === '/sms/messages' && method === 'POST') {
      const body = parse(SmsBody, request);
      if (!SMS_NUMBER.test(body.to) || invalidSmsNumbers.has(body.to)) return json(400, { error: 'invalid_number', message: `${body.to} is not a reachable mobile number` });
      const messageId = `SMS${String(records.list('sms').length + 1).padStart(7, '0')}`;
      records.add({ kind: 'sms', messageId, to: body.to, text: body.text });
      return json(202, { messageId });
    }
    return json(404, { error: 'not_found', message: `no route ${method} ${path}` });
  }

  /** Same key, same request → the stored answer and no second effect; same key, other request → 422. */
  function withIdempotency(request: Request, principal: string, handle: () => Answer): Answer {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '' || !['POST', 'PUT', 'PATCH'].includes(request.method)) return handle();
    const slot = `${principal}\n${key}`;
    const fingerprint = createHash('sha256').update(`${request.method} ${request.path}\n${request.raw}`).digest('hex');
    const previous = idempotent.get(slot);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return json(422, { error: 'idempotency_key_reused', message: `Idempotency-Key ${key} was used for a different request` });
      }
      return { ...previous.answer, headers: { ...previous.answer.headers, 'idempotent-replayed': 'true' } };
    }
    const answer = handle();
    if (answer.status < 500) idempotent.set(slot, { fingerprint, answer });
    return answer;
  }

  function catching(handle: () => Answer): Answer {
    try {
      return handle();
    } catch (error) {
      if (error instanceof ShopRefusal) return json(error.status, { error: error.error, message: error.message, ...error.extra });
      throw error;
    }
  }

  function simRoute(request: Request): Answer | Promise<Answer> {
    const { method, path, query } = request;
    let match: RegExpExecArray | null;
    if (path === '/_sim/health' && method === 'GET') return json(200, { status: 'ok' });
    if (path === '/_sim/records' && method === 'GET') {
      const kind = query.get('kind');
      if (kind !== null && !RECORD_KINDS.includes(kind as RecordKind)) refusal(400, 'invalid_request', `kind: one of ${RECORD_KINDS.join(', ')}`);
      const since = Number(query.get('since') ?? 0);
      const orderId = query.get('shopOrderId');
      const items = records.list((kind ?? undefined) as RecordKind | undefined, since).filter((r) => !orderId || ('shopOrderId' in r && r.shopOrderId === orderId));
      return json(200, { items });
    }
    if (path === '/_sim/faults' && method === 'POST') {
      simulator.addFault(parse(FaultBody, request));
      return json(201, { faults: faults.length });
    }
    if (path === '/_sim/faults' && method === 'DELETE') {
      simulator.clearFaults();
      return json(200, { faults: 0 });
    }
    if (path === '/_sim/tokens/expire' && method === 'POST') {
      simulator.expireTokens();
      return json(200, { expired: true });
    }
    if (path === '/_sim/orders' && method === 'POST') return simulator.placeOrder(parse(PlaceOrderBody, request)).then((result) => json(result.outcome === 'placed' ? 201 : 409, result));
    if (path === '/_sim/summary' && method === 'GET') return json(200, simulator.summary());
    if (path === '/_sim/requests' && method === 'GET') return json(200, { items: simulator.apiRequests(Number(query.get('since') ?? 0)) });
    if ((match = /^\/_sim\/orders\/([^/]+)\/discrepancies$/.exec(path)) && method === 'POST') {
      return json(200, simulator.plantDiscrepancy(decodeURIComponent(match[1] ?? ''), parse(DiscrepancyBody, request)));
    }
    if (path === '/_sim/listings' && method === 'POST') return json(201, simulator.createListing(parse(NewListingBody, request)));
    if (path === '/_sim/listings' && method === 'GET') return json(200, { items: simulator.listings() });
    if ((match = /^\/_sim\/listings\/([^/]+)\/shop-change$/.exec(path)) && method === 'POST') {
      return simulator.changeListingOnShopSide(decodeURIComponent(match[1] ?? ''), parse(ShopSideChangeBody, request)).then((listing) => json(200, listing));
    }
    return json(404, { error: 'not_found', message: `no route ${method} ${path}` });
  }

  async function answer(request: Request): Promise<Answer> {
    if (request.path.startsWith('/_sim/')) {
      try {
        return await simRoute(request);
      } catch (error) {
        if (error instanceof ShopRefusal) return json(error.status, { error: error.error, message: error.message });
        throw error;
      }
    }
    const now = Date.now();
    if (request.path.startsWith('/api/') || request.path.startsWith('/provider/')) {
      apiRequests.push({ seq: nextApiRequest++, at: new Date(now).toISOString(), method: request.method, path: request.path, query: Object.fromEntries(request.query) });
      if (apiRequests.length > API_REQUEST_LOG_SIZE) apiRequests.shift();
    }
    faults = faults.filter((f) => f.remaining > 0 && f.until > now);
    let fault = faults.find((f) => (f.method === '*' || f.method === request.method) && f.regex.test(request.path));
    if (fault && fault.passed < (fault.skip ?? 0)) {
      fault.passed += 1;
      fault = undefined;
    }
    if (fault) {
      fault.remaining -= 1;
      records.add({ kind: 'fault', method: request.method, path: request.path, status: fault.status, afterEffect: fault.afterEffect });
    }
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && !fault.afterEffect) return faultAnswer(fault);
    const real = serve(request);
    return fault ? faultAnswer(fault) : real;
  }

  function faultAnswer(fault: ActiveFault): Answer {
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    const error = fault.status === 429 ? 'rate_limited' : fault.status >= 500 ? 'unavailable' : 'injected_fault';
    return { status: fault.status, headers, body: { error, message: `injected fault: ${fault.status}` } };
  }

  function serve(request: Request): Answer {
    const { method, path } = request;
    if (path === '/oauth/token' && method === 'POST') return issueToken(request);
    if (path.startsWith('/provider/')) {
      const date = /^\/provider\/settlements\/(\d{4}-\d{2}-\d{2})\.csv$/.exec(path)?.[1];
      if (!date || method !== 'GET' || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return json(404, { error: 'not_found', message: 'GET /provider/settlements/YYYY-MM-DD.csv' });
      return { status: 200, text: shop.settlementCsv(date), headers: { 'content-type': 'text/csv; charset=utf-8' } };
    }
    if (path.startsWith('/sms/')) {
      if (request.headers.authorization !== `Bearer ${smsApiKey}`) return json(401, { error: 'invalid_api_key', message: 'Authorization: Bearer <SMS API key> is required' });
      return catching(() => withIdempotency(request, 'sms', () => catching(() => route(request))));
    }
    if (path.startsWith('/api/')) {
      return catching(() => {
        const principal = principalOf(request);
        return withIdempotency(request, principal, () => catching(() => route(request)));
      });
    }
    return json(404, { error: 'not_found', message: `no route ${method} ${path}` });
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'too_large', message: 'the body exceeds 1 MiB' }));
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const url = new URL(incoming.url ?? '/', 'http://simulator');
    const request: Request = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, raw: Buffer.concat(chunks).toString('utf8') };
    let reply: Answer;
    try {
      reply = await answer(request);
    } catch (error) {
      reply = json(500, { error: 'server_error', message: error instanceof Error ? error.message : String(error) });
    }
    if (response.destroyed) return;
    const body = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(body);
  }

  const server: Server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => response.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4100, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const simulator: RunningShopSimulator = {
    url: `http://${host}:${port}`,
    shop,
    records: (kind, since) => records.list(kind, since),

    async placeOrder(input) {
      const parsed = PlaceOrderBody.parse(input);
      const shopOrderId = parsed.shopOrderId ?? `SO${Date.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex').toUpperCase()}`;
      const lines = parsed.lines ?? [{ listingId: parsed.listingId, externalId: parsed.externalId, quantity: parsed.quantity ?? 1 }];
      const { id, buyerId, ...contacts } = parsed.buyer;
      const channel = parsed.channel ?? (random() < 0.5 ? 'alipay' : 'wechat');
      const withCallback = parsed.paymentCallback ?? random() < (options.paymentCallbackShare ?? 0);
      const redeliver = random() < (options.redeliveryShare ?? 0);
      const sale = shop.sell({ shopOrderId, buyer: { buyerId: (buyerId ?? id) as string, ...contacts }, lines, channel });
      if (sale.outcome !== 'placed') return sale;
      const { order, payment } = sale;
      // The webhook carries the order as the contract defines it: no shop-side status.
      const webhookOrder = { shopOrderId, buyer: order.buyer, lines: order.lines, totalAmount: order.totalAmount, currency: order.currency, createdAt: order.createdAt };
      const orderTracking: OrderTracking = { shopOrderId };
      tracking.set(shopOrderId, orderTracking);
      if (parsed.createdWebhook && webhooks) await sendWebhook(`msg_created_${shopOrderId}`, 'order.created', shopOrderId, { order: webhookOrder });
      orderTracking.paidWebhookSentAt = Date.now();
      const paidPayment = { paymentId: payment.paymentId, channel: payment.channel, account: payment.account, amount: payment.amount, currency: payment.currency, paidAt: payment.paidAt };
      const paidData = { order: webhookOrder, payment: paidPayment };
      const webhook = sendWebhook(`msg_paid_${shopOrderId}`, 'order.paid', shopOrderId, paidData)?.then(async (delivery) => {
        // Same webhook id, fresh timestamp and signature: the receiver must treat it as the duplicate it is.
        if (redeliver && delivery.acknowledged) await sendWebhook(`msg_paid_${shopOrderId}`, 'order.paid', shopOrderId, paidData);
        return delivery;
      });
      const callback =
        withCallback && callbacks
          ? track(
              callbacks.send({
                tradeNo: payment.paymentId,
                shopOrderId,
                status: 'paid',
                amount: payment.amount,
                currency: payment.currency,
                payerAccount: payment.account,
                paidAt: payment.paidAt,
              }),
            )
          : undefined;
      const [webhookDelivery, callbackDelivery] = await Promise.all([webhook, callback]);
      if (webhookDelivery) {
        orderTracking.paidWebhookSentAt = webhookDelivery.firstSentAt;
        orderTracking.acknowledged = webhookDelivery.acknowledged;
      }
      return { outcome: 'placed', order, payment, ...(webhookDelivery ? { webhook: webhookDelivery } : {}), ...(callbackDelivery ? { callback: callbackDelivery } : {}) };
    },

    createListing: (listing) => shop.createListing(NewListingBody.parse(listing)),
    listings: () => shop.allListings(),
    listing: (listingId) => ({ ...shop.listing(listingId) }),

    async changeListingOnShopSide(listingId, input) {
      const changes = ShopSideChangeBody.parse(input);
      const current = shop.listing(listingId);
      const { stock, price, ...rest } = changes;
      shop.updateListing(listingId, { ...rest, ...(price === undefined ? {} : { price: { amount: price, currency: current.price.currency } }) }, 'shop');
      if (stock !== undefined) shop.setStock(listingId, stock);
      const after = { ...shop.listing(listingId) };
      await sendWebhook(`msg_product_${listingId}_${records.list().length}`, 'product.updated', listingId, {
        shopListingId: listingId,
        changes: {
          ...(changes.title === undefined ? {} : { title: changes.title }),
          ...(price === undefined ? {} : { price, currency: after.price.currency }),
          ...(stock === undefined ? {} : { stock }),
          ...(changes.status === undefined ? {} : { status: changes.status }),
        },
        updatedAt: after.updatedAt,
      });
      return after;
    },

    addFault(input) {
      const fault = FaultBody.parse(input);
      const timed = fault.forMs !== undefined;
      faults.push({
        ...fault,
        method: fault.method.toUpperCase(),
        regex: new RegExp(fault.pathPattern),
        remaining: fault.times ?? (timed ? Number.POSITIVE_INFINITY : 1),
        until: timed ? Date.now() + (fault.forMs as number) : Number.POSITIVE_INFINITY,
        passed: 0,
      });
    },
    clearFaults() {
      faults = [];
    },
    expireTokens() {
      for (const grant of tokens.values()) grant.expiresAt = 0;
    },
    summary: () => summarize(shop, records, tracking),
    plantDiscrepancy: (shopOrderId, discrepancy) => shop.plant(shopOrderId, DiscrepancyBody.parse(discrepancy)),
    apiRequests: (since = 0) => apiRequests.filter((r) => r.seq > since).map((r) => ({ ...r, query: { ...r.query } })),
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      webhooks?.close();
      callbacks?.close();
      await simulator.settled();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return simulator;
}
