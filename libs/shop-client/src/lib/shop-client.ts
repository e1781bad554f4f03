import { HttpEngine, resolveRetryPolicy, type CallOptions, type HttpEngineHooks, type RetryPolicy } from './http-engine';
import { ClientCredentialsTokenSource } from './token-source';
import {
  FulfilmentAccepted,
  Listing,
  pageOf,
  RefundAccepted,
  ShopApiOrder,
  StockLevel,
  AdjustedStock,
  type Fulfilment,
  type ListingChanges,
  type NewListing,
  type OrderFilter,
  type Page,
  type PageRequest,
  type RefundRequest,
} from './shop-types';

export interface ShopClientOptions extends Partial<RetryPolicy>, HttpEngineHooks {
  /** e.g. http://127.0.0.1:4100 */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Renew the token this long before it expires (at most half its lifetime). Default 60 s. */
  tokenRefreshMarginMs?: number;
  now?: () => number;
}

const ListingPage = pageOf(Listing);
const OrderPage = pageOf(ShopApiOrder);
const SETTLEMENT_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_PAGE_SIZE = 100;

function segment(id: string): string {
  if (!id) throw new RangeError('an id must not be empty');
  return encodeURIComponent(id);
}

/**
 * The shop's API (listings, stock, orders, fulfilments, refunds) and its
 * payment provider's settlement files, behind one client with no framework
 * dependency. Every call handles the token, rate limits, timeouts and retries
 * (see HttpEngine) and fails with a ShopApiError.
 */
export class ShopClient {
  private readonly engine: HttpEngine;
  private readonly tokens: ClientCredentialsTokenSource;

  constructor(options: ShopClientOptions) {
    this.engine = new HttpEngine(options.baseUrl, resolveRetryPolicy(options), options);
    this.tokens = new ClientCredentialsTokenSource(
      this.engine,
      { clientId: options.clientId, clientSecret: options.clientSecret },
      options.tokenRefreshMarginMs,
      options.now,
    );
  }

  // ── Listings ────────────────────────────────────────────────────────────

  createListing(listing: NewListing, options: CallOptions = {}): Promise<Listing> {
    return this.engine.request({ ...options, method: 'POST', path: '/api/listings', json: listing, schema: Listing, authorizer: this.tokens });
  }

  updateListing(listingId: string, changes: ListingChanges, options: CallOptions = {}): Promise<Listing> {
    return this.engine.request({ ...options, method: 'PATCH', path: `/api/listings/${segment(listingId)}`, json: changes, schema: Listing, authorizer: this.tokens });
  }

  getListing(listingId: string, options: CallOptions = {}): Promise<Listing> {
    return this.engine.request({ ...options, method: 'GET', path: `/api/listings/${segment(listingId)}`, schema: Listing, authorizer: this.tokens });
  }

  listListings(request: PageRequest = {}, options: CallOptions = {}): Promise<Page<Listing>> {
    return this.engine.request({
      ...options,
      method: 'GET',
      path: '/api/listings',
      query: { page: request.page, pageSize: request.pageSize },
      schema: ListingPage,
      authorizer: this.tokens,
    });
  }

  /** Every listing, page by page. */
  allListings(request: Omit<PageRequest, 'page'> = {}, options: CallOptions = {}): AsyncGenerator<Listing> {
    return this.paginate((page) => this.listListings({ pageSize: DEFAULT_PAGE_SIZE, ...request, page }, options));
  }

  delist(listingId: string, options: CallOptions = {}): Promise<Listing> {
    return this.updateListing(listingId, { status: 'delisted' }, options);
  }

  // ── Stock ───────────────────────────────────────────────────────────────

  /**
   * Relative change; safe against the shop's own sales in between, unlike
   * setStock. The shop floors stock at zero and answers how much it applied.
   */
  adjustStock(listingId: string, delta: number, reason?: string, options: CallOptions = {}): Promise<AdjustedStock> {
    if (!Number.isInteger(delta)) throw new RangeError(`delta must be an integer, got ${delta}`);
    return this.engine.request({
      ...options,
      method: 'POST',
      path: `/api/listings/${segment(listingId)}/stock-adjustments`,
      json: reason === undefined ? { delta } : { delta, reason },
      schema: AdjustedStock,
      authorizer: this.tokens,
    });
  }

  setStock(listingId: string, stock: number, options: CallOptions = {}): Promise<StockLevel> {
    if (!Number.isInteger(stock) || stock < 0) throw new RangeError(`stock must be a non-negative integer, got ${stock}`);
    return this.engine.request({ ...options, method: 'PUT', path: `/api/listings/${segment(listingId)}/stock`, json: { stock }, schema: StockLevel, authorizer: this.tokens });
  }

  // ── Orders ──────────────────────────────────────────────────────────────

  listOrders(filter: OrderFilter = {}, options: CallOptions = {}): Promise<Page<ShopApiOrder>> {
    return this.engine.request({
      ...options,
      method: 'GET',
      path: '/api/orders',
      query: { status: filter.status, from: filter.from, to: filter.to, page: filter.page, pageSize: filter.pageSize },
      schema: OrderPage,
      authorizer: this.tokens,
    });
  }

  /** Every order matching the filter, page by page. */
  allOrders(filter: Omit<OrderFilter, 'page'> = {}, options: CallOptions = {}): AsyncGenerator<ShopApiOrder> {
    return this.paginate((page) => this.listOrders({ pageSize: DEFAULT_PAGE_SIZE, ...filter, page }, options));
  }

  /**
   * Hands cards for one order line to the shop's order page. Pass an
   * idempotency key derived from your own delivery id, so a retry after a
   * crash cannot fulfil the line twice.
   */
  fulfilOrder(orderId: string, fulfilment: Fulfilment, idempotencyKey?: string, options: Omit<CallOptions, 'idempotencyKey'> = {}): Promise<FulfilmentAccepted> {
    return this.engine.request({
      ...options,
      idempotencyKey,
      method: 'POST',
      path: `/api/orders/${segment(orderId)}/fulfilments`,
      json: fulfilment,
      schema: FulfilmentAccepted,
      authorizer: this.tokens,
    });
  }

  /** The refundId makes the refund idempotent on the shop's side: the same id again refunds nothing more. */
  requestRefund(orderId: string, refund: RefundRequest, options: CallOptions = {}): Promise<RefundAccepted> {
    return this.engine.request({
      ...options,
      idempotencyKey: options.idempotencyKey ?? `refund:${orderId}:${refund.refundId}`,
      method: 'POST',
      path: `/api/orders/${segment(orderId)}/refunds`,
      json: refund,
      schema: RefundAccepted,
      authorizer: this.tokens,
    });
  }

  // ── Payment provider ────────────────────────────────────────────────────

  /** The provider's settlement file for one day (YYYY-MM-DD), as CSV text. */
  downloadSettlement(date: string, options: CallOptions = {}): Promise<string> {
    if (!SETTLEMENT_DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new RangeError(`settlement date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    }
    return this.engine.request({ ...options, method: 'GET', path: `/provider/settlements/${date}.csv`, authorizer: this.tokens });
  }

  private async *paginate<T>(fetchPage: (page: number) => Promise<Page<T>>): AsyncGenerator<T> {
    for (let page = 1; ; page += 1) {
      const result = await fetchPage(page);
      yield* result.items;
      if (result.items.length === 0 || result.page * result.pageSize >= result.total) return;
    }
  }
}
