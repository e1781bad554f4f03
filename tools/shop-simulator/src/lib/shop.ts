import type { RecordBook, Card } from './records';
import type { Discrepancy } from './schemas';

/** An answer the shop gives instead of a result: `{error, message}` with an HTTP status. */
export class ShopRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ShopRefusal';
  }
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Listing {
  listingId: string;
  externalId: string;
  title: string;
  description: string;
  price: Money;
  categoryIds: string[];
  stock: number;
  status: 'listed' | 'delisted';
  updatedAt: string;
}

export type NewListing = Omit<Listing, 'listingId' | 'updatedAt'>;
export type ListingChanges = Partial<Pick<Listing, 'title' | 'description' | 'price' | 'categoryIds' | 'status'>>;

export interface Buyer {
  buyerId: string;
  email?: string;
  phone?: string;
  ip?: string;
  deviceId?: string;
  locale?: 'zh-CN' | 'en';
}

export interface OrderLine {
  lineId: string;
  productId: string;
  shopListingId: string;
  quantity: number;
  unitPrice: number;
}

export type OrderStatus = 'paid' | 'fulfilled' | 'refunded';

export interface Payment {
  paymentId: string;
  channel: string;
  account?: string;
  amount: number;
  currency: string;
  paidAt: string;
}

export interface ShopOrder {
  shopOrderId: string;
  status: OrderStatus;
  buyer: Buyer;
  lines: OrderLine[];
  totalAmount: number;
  currency: string;
  createdAt: string;
  paidAt: string;
}

interface OrderState {
  order: ShopOrder;
  payment: Payment;
  /** Cards received per line, every fulfilment included. */
  delivered: Map<string, Card[]>;
  refunds: Map<string, { refundId: string; amount: number; reason: string; at: string }>;
  refunded: number;
  /** Differences planted for reconciliation tests; they change what is reported, not what happened. */
  planted: Discrepancy & { extraRefundAt?: string };
}

export interface SaleLine {
  listingId?: string;
  externalId?: string;
  quantity: number;
}

export interface Sale {
  shopOrderId: string;
  buyer: Buyer;
  lines: SaleLine[];
  channel: string;
}

export type SaleOutcome =
  | { outcome: 'placed'; order: ShopOrder; payment: Payment }
  | { outcome: 'out_of_stock'; shopOrderId: string; listingId: string; requested: number; available: number }
  | { outcome: 'unavailable'; shopOrderId: string; reason: string };

export interface SettlementOptions {
  /** Fee per payment channel as a fraction (0.006 = 0.6 %); channels not listed use `default`. */
  feeRates: Record<string, number>;
}

export const DEFAULT_FEE_RATES: Record<string, number> = { default: 0.006, alipay: 0.006, wechat: 0.006 };

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The shop's state: listings with stock that the shop lowers itself on every
 * sale (and refuses sales it cannot cover), paid orders, the fulfilments and
 * refunds cardlink sends, and the payment provider's settlement. Plain data
 * in memory; every change is written to the record book.
 */
export class Shop {
  private readonly listings = new Map<string, Listing>();
  private readonly byExternalId = new Map<string, string>();
  private readonly orders = new Map<string, OrderState>();
  private nextListing = 1;
  private nextFulfilment = 1;

  constructor(
    private readonly records: RecordBook,
    private readonly now: () => number,
    private readonly settlement: SettlementOptions = { feeRates: DEFAULT_FEE_RATES },
  ) {}

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  // ── Listings ──────────────────────────────────────────────────────────

  createListing(input: NewListing): Listing {
    const existing = this.byExternalId.get(input.externalId);
    if (existing) {
      throw new ShopRefusal(409, 'duplicate_external_id', `externalId ${input.externalId} is already listed as ${existing}`, { listingId: existing });
    }
    const listing: Listing = { ...input, categoryIds: [...input.categoryIds], listingId: `LST${String(this.nextListing++).padStart(6, '0')}`, updatedAt: this.stamp() };
    this.listings.set(listing.listingId, listing);
    this.byExternalId.set(listing.externalId, listing.listingId);
    this.records.add({ kind: 'listing', action: 'created', listingId: listing.listingId, externalId: listing.externalId, changes: { ...input } });
    this.records.add({ kind: 'stock', listingId: listing.listingId, externalId: listing.externalId, source: 'created', requested: input.stock, delta: input.stock, stock: input.stock });
    return { ...listing };
  }

  listing(listingId: string): Listing {
    const listing = this.listings.get(listingId);
    if (!listing) throw new ShopRefusal(404, 'not_found', `no listing ${listingId}`);
    return listing;
  }

  listingByExternalId(externalId: string): Listing | undefined {
    const id = this.byExternalId.get(externalId);
    return id ? this.listings.get(id) : undefined;
  }

  allListings(): Listing[] {
    return [...this.listings.values()].map((listing) => ({ ...listing }));
  }

  /** A change made by cardlink (`by: 'api'`) or by a merchant in the shop's own back office (`'shop'`). */
  updateListing(listingId: string, changes: ListingChanges, by: 'api' | 'shop' = 'api'): Listing {
    const listing = this.listing(listingId);
    Object.assign(listing, changes, { updatedAt: this.stamp() });
    this.records.add({ kind: 'listing', action: by === 'api' ? 'updated' : 'shop-change', listingId, externalId: listing.externalId, changes: { ...changes } });
    return { ...listing };
  }

  /** Floors at zero, and says how much of the delta it applied: a decrease can meet sales the caller has not heard of yet. */
  adjustStock(listingId: string, delta: number): { listingId: string; stock: number; applied: number } {
    const listing = this.listing(listingId);
    const stock = Math.max(0, listing.stock + delta);
    const applied = stock - listing.stock;
    listing.stock = stock;
    listing.updatedAt = this.stamp();
    this.records.add({ kind: 'stock', listingId, externalId: listing.externalId, source: 'adjustment', requested: delta, delta: applied, stock });
    return { listingId, stock, applied };
  }

  setStock(listingId: string, stock: number): { listingId: string; stock: number } {
    const listing = this.listing(listingId);
    const delta = stock - listing.stock;
    listing.stock = stock;
    listing.updatedAt = this.stamp();
    this.records.add({ kind: 'stock', listingId, externalId: listing.externalId, source: 'set', requested: stock, delta, stock });
    return { listingId, stock };
  }

  // ── Sales ─────────────────────────────────────────────────────────────

  /** A buyer checks out and pays: all lines are covered by stock or the sale is refused as a whole. */
  sell(sale: Sale): SaleOutcome {
    if (this.orders.has(sale.shopOrderId)) throw new ShopRefusal(409, 'duplicate_order', `order ${sale.shopOrderId} exists`);
    const resolved: { listing: Listing; quantity: number }[] = [];
    for (const line of sale.lines) {
      const listing = line.listingId ? this.listings.get(line.listingId) : line.externalId ? this.listingByExternalId(line.externalId) : undefined;
      const name = line.listingId ?? line.externalId ?? '(none)';
      if (!listing) return this.refuse({ outcome: 'unavailable', shopOrderId: sale.shopOrderId, reason: `no listing ${name}` });
      if (listing.status !== 'listed') return this.refuse({ outcome: 'unavailable', shopOrderId: sale.shopOrderId, reason: `listing ${listing.listingId} is delisted` });
      resolved.push({ listing, quantity: line.quantity });
    }
    for (const { listing } of resolved) {
      const requested = resolved.filter((r) => r.listing === listing).reduce((sum, r) => sum + r.quantity, 0);
      if (listing.stock < requested) {
        return this.refuse({ outcome: 'out_of_stock', shopOrderId: sale.shopOrderId, listingId: listing.listingId, requested, available: listing.stock });
      }
    }
    const at = this.stamp();
    const lines: OrderLine[] = resolved.map(({ listing, quantity }, index) => ({
      lineId: `${sale.shopOrderId}-L${index + 1}`,
      productId: listing.externalId,
      shopListingId: listing.listingId,
      quantity,
      unitPrice: listing.price.amount,
    }));
    const currency = resolved[0]?.listing.price.currency ?? 'CNY';
    const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    const order: ShopOrder = { shopOrderId: sale.shopOrderId, status: 'paid', buyer: sale.buyer, lines, totalAmount, currency, createdAt: at, paidAt: at };
    const payment: Payment = {
      paymentId: `PAY-${sale.shopOrderId}`,
      channel: sale.channel,
      account: `${sale.buyer.buyerId}@${sale.channel}`,
      amount: totalAmount,
      currency,
      paidAt: at,
    };
    for (const { listing, quantity } of resolved) {
      listing.stock -= quantity;
      listing.updatedAt = at;
      this.records.add({ kind: 'stock', listingId: listing.listingId, externalId: listing.externalId, source: 'sale', requested: -quantity, delta: -quantity, stock: listing.stock, shopOrderId: sale.shopOrderId });
    }
    this.orders.set(order.shopOrderId, { order, payment, delivered: new Map(), refunds: new Map(), refunded: 0, planted: {} });
    this.records.add({ kind: 'order', shopOrderId: order.shopOrderId, outcome: 'placed' });
    return { outcome: 'placed', order: structuredClone(order), payment: { ...payment } };
  }

  private refuse<O extends Exclude<SaleOutcome, { outcome: 'placed' }>>(outcome: O): O {
    const reason = outcome.outcome === 'unavailable' ? outcome.reason : `listing ${outcome.listingId}: ${outcome.available} in stock, ${outcome.requested} requested`;
    this.records.add({ kind: 'order', shopOrderId: outcome.shopOrderId, outcome: outcome.outcome, reason });
    return outcome;
  }

  // ── Orders ────────────────────────────────────────────────────────────

  private orderState(shopOrderId: string): OrderState {
    const state = this.orders.get(shopOrderId);
    if (!state) throw new ShopRefusal(404, 'not_found', `no order ${shopOrderId}`);
    return state;
  }

  order(shopOrderId: string): ShopOrder {
    return structuredClone(this.orderState(shopOrderId).order);
  }

  payment(shopOrderId: string): Payment {
    return { ...this.orderState(shopOrderId).payment };
  }

  /** Orders by creation time; `from` inclusive, `to` exclusive. */
  findOrders(filter: { status?: OrderStatus; from?: number; to?: number }): ShopOrder[] {
    return [...this.orders.values()]
      .filter((state) => !state.planted.hiddenFromOrderList)
      .map((state) => (state.planted.listedTotalAmount === undefined ? state.order : { ...state.order, totalAmount: state.planted.listedTotalAmount }))
      .filter((order) => {
        const created = Date.parse(order.createdAt);
        return (!filter.status || order.status === filter.status) && (filter.from === undefined || created >= filter.from) && (filter.to === undefined || created < filter.to);
      })
      .map((order) => structuredClone(order));
  }

  /**
   * Cards for one line. The shop accepts every fulfilment it can attribute
   * (partial ones, replacements) and records it, so that a double delivery
   * shows up in the record instead of disappearing behind a refusal.
   */
  fulfil(shopOrderId: string, lineId: string, cards: Card[]): { fulfilmentId: string } {
    const state = this.orderState(shopOrderId);
    const line = state.order.lines.find((l) => l.lineId === lineId);
    if (!line) throw new ShopRefusal(404, 'unknown_line', `order ${shopOrderId} has no line ${lineId}; lines: ${state.order.lines.map((l) => l.lineId).join(', ')}`);
    if (state.order.status === 'refunded') throw new ShopRefusal(409, 'order_refunded', `order ${shopOrderId} was refunded; it cannot be fulfilled`);
    if (cards.length > line.quantity) throw new ShopRefusal(400, 'too_many_cards', `line ${lineId} is for ${line.quantity} card(s), got ${cards.length}`);
    const fulfilmentId = `FUL${String(this.nextFulfilment++).padStart(7, '0')}`;
    const delivered = state.delivered.get(lineId) ?? [];
    delivered.push(...cards.map((card) => ({ ...card })));
    state.delivered.set(lineId, delivered);
    if (state.order.lines.every((l) => (state.delivered.get(l.lineId)?.length ?? 0) >= l.quantity)) state.order.status = 'fulfilled';
    this.records.add({ kind: 'fulfilment', fulfilmentId, shopOrderId, lineId, cards: cards.map((card) => ({ ...card })) });
    return { fulfilmentId };
  }

  /** The refundId is the idempotency of a refund: the same id again answers the same and refunds nothing more. */
  refund(shopOrderId: string, refundId: string, amount: Money, reason: string): { created: boolean; body: { refundId: string; status: 'accepted' } } {
    const state = this.orderState(shopOrderId);
    const body = { refundId, status: 'accepted' as const };
    const previous = state.refunds.get(refundId);
    if (previous) {
      if (previous.amount !== amount.amount) {
        throw new ShopRefusal(409, 'refund_conflict', `refund ${refundId} was accepted for ${previous.amount}, not ${amount.amount}`);
      }
      return { created: false, body };
    }
    if (amount.currency !== state.order.currency) throw new ShopRefusal(400, 'currency_mismatch', `order ${shopOrderId} is in ${state.order.currency}, not ${amount.currency}`);
    const refundable = state.order.totalAmount - state.refunded;
    if (amount.amount <= 0 || amount.amount > refundable) {
      throw new ShopRefusal(422, 'amount_exceeds_refundable', `order ${shopOrderId}: ${refundable} ${state.order.currency} (minor units) left to refund, asked ${amount.amount}`);
    }
    state.refunds.set(refundId, { refundId, amount: amount.amount, reason, at: this.stamp() });
    state.refunded += amount.amount;
    if (state.refunded === state.order.totalAmount) state.order.status = 'refunded';
    this.records.add({ kind: 'refund', refundId, shopOrderId, amount: amount.amount, currency: amount.currency, reason });
    return { created: true, body };
  }

  /** Plants differences in what the order list and the settlement file report about one order (reconciliation tests). */
  plant(shopOrderId: string, discrepancy: Discrepancy): Discrepancy {
    const state = this.orderState(shopOrderId);
    const { extraRefundAt, ...planted } = { ...state.planted, ...discrepancy };
    const refundAt = discrepancy.extraSettlementRefund ? this.stamp() : extraRefundAt;
    state.planted = { ...planted, ...(refundAt === undefined ? {} : { extraRefundAt: refundAt }) };
    return planted;
  }

  refundedAt(shopOrderId: string, refundId: string): string | undefined {
    return this.orders.get(shopOrderId)?.refunds.get(refundId)?.at;
  }

  // ── Payment provider ──────────────────────────────────────────────────

  /** Payments and refunds of one UTC day, with the channel's fee. */
  settlementCsv(date: string): string {
    const rows = [['trade_no', 'shop_order_id', 'type', 'channel', 'amount', 'fee', 'net', 'currency', 'occurred_at', 'refund_id']];
    const onDate = (timestamp: string): boolean => timestamp.slice(0, 10) === date;
    const entries: { at: string; row: (string | number)[] }[] = [];
    for (const { payment, order, refunds, planted } of this.orders.values()) {
      if (onDate(payment.paidAt) && !planted.omitPaymentFromSettlement) {
        const amount = planted.settledAmount ?? payment.amount;
        const rate = this.settlement.feeRates[payment.channel] ?? this.settlement.feeRates['default'] ?? 0;
        const fee = Math.round(amount * rate);
        entries.push({ at: payment.paidAt, row: [payment.paymentId, order.shopOrderId, 'payment', payment.channel, amount, fee, amount - fee, payment.currency, payment.paidAt, ''] });
      }
      const extra = planted.extraSettlementRefund && planted.extraRefundAt ? [{ ...planted.extraSettlementRefund, at: planted.extraRefundAt }] : [];
      for (const refund of [...refunds.values(), ...extra]) {
        if (onDate(refund.at)) {
          entries.push({ at: refund.at, row: [payment.paymentId, order.shopOrderId, 'refund', payment.channel, -refund.amount, 0, -refund.amount, payment.currency, refund.at, refund.refundId] });
        }
      }
    }
    entries.sort((a, b) => a.at.localeCompare(b.at));
    return [...rows, ...entries.map((e) => e.row)].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
  }

  // ── For the summary ───────────────────────────────────────────────────

  orderStates(): { order: ShopOrder; delivered: ReadonlyMap<string, readonly Card[]>; refunded: number; refundCount: number }[] {
    return [...this.orders.values()].map((state) => ({ order: state.order, delivered: state.delivered, refunded: state.refunded, refundCount: state.refunds.size }));
  }
}
