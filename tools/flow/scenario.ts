import { randomBytes } from 'node:crypto';
import { FRAUD_IDENTITIES, mulberry32, runLoad, type LoadResult, type PlannedOrder, type RetrySchedule, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { AdminApi } from './admin-api';
import type { World } from './world';

/** A card product of the run: what the merchant sells and how many cards it imports. */
export interface FlowProduct {
  key: string;
  title: string;
  /** Minor units (fen). */
  price: number;
  cards: number;
}

export interface FlowPlan {
  runId: string;
  seed: number;
  products: FlowProduct[];
  orders: number;
  ratePerSecond: number;
  /** Share of orders placed by the blocked fraud identities. */
  fraudShare: number;
  /** Same-amount orders from distinct new buyers, at one moment (0: none). */
  burst: number;
  /** Normal orders come from this many regular buyers. */
  regularBuyers: number;
}

export interface PreparedProduct extends FlowProduct {
  productId: string;
  listingId: string;
  /** Every imported card's code: what a delivered card must be one of. */
  codes: Set<string>;
  /** Every imported secret (codes and passwords), for the plaintext scans. */
  secrets: string[];
}

/** Card lines `code,password` with secrets nobody could guess, and what they are. */
function generateCards(product: string, count: number): { text: string; codes: string[]; secrets: string[] } {
  const codes: string[] = [];
  const secrets: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const code = `${product.toUpperCase()}-${randomBytes(6).toString('hex').toUpperCase()}`;
    const password = randomBytes(8).toString('base64url');
    codes.push(code);
    secrets.push(code, password);
    lines.push(`${code},${password}`);
  }
  return { text: `${lines.join('\n')}\n`, codes, secrets };
}

/** Reads until the value is accepted; on time-out the error names what was awaited and shows the last value. */
export async function eventually<T>(what: string, read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits for a probe that answers `undefined` until what it looks for is there. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  return (await eventually(what, probe, (value) => value !== undefined, timeoutMs)) as T;
}

/**
 * The merchant's side: creates and lists each product in catalog-sync (which
 * creates the shop listing), imports its cards into card-inventory, and waits
 * until the shop shows the stock.
 */
export async function prepareProducts(simulator: RunningShopSimulator, api: AdminApi, runId: string, products: FlowProduct[]): Promise<PreparedProduct[]> {
  const prepared: PreparedProduct[] = [];
  for (const product of products) {
    const productId = `${runId}-${product.key}`;
    await api.post('catalog-sync', '/products', {
      productId,
      title: product.title,
      description: `${product.title} (delivered automatically after payment)`,
      price: product.price,
      currency: 'CNY',
      deliveryChannels: ['shop', 'email'],
      poolMode: 'unique',
      maxPerOrder: 5,
      lowStockThreshold: Math.max(1, Math.floor(product.cards / 10)),
      status: 'listed',
    });
    // The listing first, then the cards: a stock change racing the listing's creation is a catalog-sync case of its own.
    await until(`the shop listing of ${product.title}`, 30_000, () => simulator.listings().find((l) => l.externalId === productId));
    const cards = generateCards(product.key, product.cards);
    const report = await api.upload<{ accepted: number; duplicates: number; invalid: number }>('card-inventory', `/products/${encodeURIComponent(productId)}/cards/import`, cards.text);
    if (report.accepted !== product.cards) throw new Error(`${product.title}: imported ${report.accepted} of ${product.cards} cards`);
    const listing = await until(`the shop listing of ${product.title} with its stock`, 30_000, () =>
      simulator.listings().find((l) => l.externalId === productId && l.status === 'listed' && l.stock > 0),
    );
    prepared.push({ ...product, productId, listingId: listing.listingId, codes: new Set(cards.codes), secrets: cards.secrets });
  }
  return prepared;
}

/**
 * Who buys what, decided by the seed. Regular buyers buy 1–3 of any product;
 * the fraud share comes from identities on the block list; the burst is the
 * same amount (one card of the cheapest product) from distinct new buyers, an
 * amount no regular order has (they buy at least 2 of that product).
 */
export function planFlow(plan: FlowPlan, products: PreparedProduct[]): { main: PlannedOrder[]; burst: PlannedOrder[] } {
  const random = mulberry32(plan.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const burstProduct = [...products].sort((a, b) => a.price - b.price)[0];
  if (!burstProduct) throw new Error('no products');
  const regulars = Array.from({ length: plan.regularBuyers }, (_, i) => ({
    buyerId: `${plan.runId}-regular-${i + 1}`,
    email: `regular${i + 1}.${plan.runId}@example.com`,
    phone: `+8613900${String(100_000 + i).slice(-6)}`,
    ip: `198.51.100.${i + 1}`,
    deviceId: `${plan.runId}-device-${i + 1}`,
    locale: i % 4 === 0 ? ('en' as const) : ('zh-CN' as const),
  }));
  const interval = plan.ratePerSecond > 0 ? 1000 / plan.ratePerSecond : 0;
  const orders: PlannedOrder[] = [];
  const burst: PlannedOrder[] = [];
  let n = 0;
  const id = () => `${plan.runId}-${String(++n).padStart(6, '0')}`;
  for (let i = 0; i < plan.orders; i += 1) {
    if (i === 0) {
      for (let b = 0; b < plan.burst; b += 1) {
        burst.push({
          shopOrderId: id(),
          listingId: burstProduct.listingId,
          quantity: 1,
          buyer: {
            buyerId: `${plan.runId}-burst-${b + 1}`,
            email: `burst${b + 1}.${plan.runId}@example.com`,
            phone: `+8613700${String(100_000 + b).slice(-6)}`,
            ip: `192.0.2.${b + 1}`,
            deviceId: `${plan.runId}-burst-device-${b + 1}`,
            locale: 'zh-CN' as const,
          },
          fraud: false,
          burst: true,
          atMs: 0,
        });
      }
    }
    const fraud = random() < plan.fraudShare;
    const product = pick(products);
    const quantity = product === burstProduct ? 2 + Math.floor(random() * 2) : 1 + Math.floor(random() * 3);
    orders.push({
      shopOrderId: id(),
      listingId: product.listingId,
      quantity,
      buyer: fraud ? { ...pick(FRAUD_IDENTITIES), locale: 'zh-CN' as const } : { ...pick(regulars) },
      fraud,
      burst: false,
      atMs: Math.round(i * interval),
    });
  }
  return { main: orders, burst };
}

/**
 * How the simulated shop re-sends an unacknowledged webhook in these runs: for
 * minutes, as a real sender would (Standard Webhooks senders retry for days),
 * so a gateway that sheds load with 5xx still receives every order.
 */
export const PATIENT_SENDER: RetrySchedule = { maxAttempts: 40, firstDelayMs: 250, maxDelayMs: 10_000, timeoutMs: 10_000 };

/** The burst rule of the flow's rule set fires from this many same-amount orders from as many buyers in a minute on. */
export const BURST_MIN_ORDERS = 10;

/**
 * The flow's risk policy, published as a new rule-set version: the block list
 * decides rejects, and the only rule is the same-amount burst. Regular traffic
 * stays below the burst's distinct-buyer bar (fewer regular plus fraud buyers
 * than BURST_MIN_ORDERS), so which orders are held is known in advance.
 */
export async function publishFlowRuleSet(api: AdminApi, runId: string): Promise<void> {
  await api.post('risk-control', '/rule-sets', {
    currency: 'CNY',
    thresholds: { review: 50, reject: 100 },
    watchWeight: 30,
    reason: `whole-flow run ${runId}`,
    rules: [
      {
        id: 'burst.shop.identical-amount.1m',
        kind: 'identical-amount-burst',
        mode: 'live',
        weight: 50,
        scope: 'shop',
        window: '1m',
        minOrders: BURST_MIN_ORDERS,
        minDistinctBuyers: BURST_MIN_ORDERS,
      },
    ],
  });
}

/** Puts every fraud identity's email on risk-control's block list. */
export async function blockFraudIdentities(api: AdminApi, runId: string): Promise<void> {
  for (const identity of FRAUD_IDENTITIES) {
    await api.post('risk-control', '/lists', { kind: 'block', field: 'email', value: identity.email, reason: `known fraud (${runId})` });
  }
}

export const SETTLED_STATES = ['COMPLETED', 'REFUNDED', 'REJECTED', 'IN_REVIEW', 'OUT_OF_STOCK', 'DELIVERY_FAILED', 'CANCELLED'] as const;
const IN_FLIGHT_STATES = ['AWAITING_PAYMENT', 'PAID', 'APPROVED', 'ALLOCATED', 'DELIVERED', 'REFUND_REQUESTED'];

const ALL_STATES = [...SETTLED_STATES, ...IN_FLIGHT_STATES];

export type StateCounts = Record<string, number>;

/** Orders by state, as order-processing reports them. */
export async function countOrdersByState(api: AdminApi, states: readonly string[]): Promise<StateCounts> {
  const counts: StateCounts = {};
  for (const state of states) {
    const page = await api.get<{ total: number }>('order-processing', `/orders?state=${state}&pageSize=1`);
    counts[state] = page.total;
  }
  return counts;
}

/**
 * Waits until every acknowledged order has left the in-flight states and the
 * counts stop moving; returns the final counts by state.
 */
export async function waitUntilSettled(api: AdminApi, expectedOrders: number, timeoutMs: number, onProgress?: (counts: StateCounts) => void): Promise<StateCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await countOrdersByState(api, ALL_STATES);
    onProgress?.(counts);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const inFlight = IN_FLIGHT_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
    if (total >= expectedOrders && inFlight === 0) return counts;
    if (Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function settleProgress(log: (line: string) => void): (counts: StateCounts) => void {
  let last = '';
  return (counts) => {
    const line = Object.entries(counts)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k.toLowerCase()} ${v}`)
      .join(', ');
    if (line !== last) log(`  ${line}`);
    last = line;
  };
}

/**
 * Places the burst one order at a time, each once risk control has assessed
 * the one before, so every order counts the ones before it and which of them
 * the burst rule holds does not depend on how partitions interleave.
 */
async function placeBurst(simulator: RunningShopSimulator, api: AdminApi, burst: PlannedOrder[], load: LoadResult): Promise<void> {
  for (const order of burst) {
    await runLoad(simulator, [{ ...order, atMs: 0 }]).then((result) => {
      load.placed += result.placed;
      load.outOfStock += result.outOfStock;
      load.unavailable += result.unavailable;
      load.acknowledged += result.acknowledged;
      load.notAcknowledged += result.notAcknowledged;
    });
    await until('risk control to assess the burst order', 30_000, async () => {
      const counts = await countOrdersByState(api, ALL_STATES);
      const known = Object.values(counts).reduce((a, b) => a + b, 0);
      const unassessed = (counts['AWAITING_PAYMENT'] ?? 0) + (counts['PAID'] ?? 0);
      return known >= load.placed && unassessed === 0 ? true : undefined;
    });
  }
}

export interface FlowRun {
  products: PreparedProduct[];
  plan: PlannedOrder[];
  load: LoadResult;
  states: StateCounts;
}

/** The whole flow: products, block list, load, and the wait for every order to settle. */
export async function runFlow(
  world: World,
  simulator: RunningShopSimulator,
  plan: FlowPlan,
  opts: { settleTimeoutMs: number; log?: (line: string) => void },
): Promise<FlowRun> {
  const log = opts.log ?? (() => undefined);
  const api = new AdminApi(world);
  if (plan.regularBuyers + FRAUD_IDENTITIES.length >= BURST_MIN_ORDERS) throw new Error(`regular buyers must stay below ${BURST_MIN_ORDERS - FRAUD_IDENTITIES.length}`);
  await blockFraudIdentities(api, plan.runId);
  await publishFlowRuleSet(api, plan.runId);
  log(`creating ${plan.products.length} products and importing their cards`);
  const products = await prepareProducts(simulator, api, plan.runId, plan.products);
  const { main, burst } = planFlow(plan, products);
  log(`placing ${main.length} orders at ${plan.ratePerSecond}/s (fraud share ${plan.fraudShare})`);
  const load = await runLoad(simulator, main, (done, total) => {
    if (done % 100 === 0 || done === total) log(`  placed ${done}/${total}`);
  });
  log(`shop accepted ${load.placed}, refused ${load.outOfStock} (sold out); waiting for every order to settle`);
  const progress = settleProgress(log);
  await waitUntilSettled(api, load.placed, opts.settleTimeoutMs, progress);
  if (burst.length > 0) {
    log(`the burst: ${burst.length} orders of one amount from ${burst.length} new buyers, one after another within a minute`);
    await placeBurst(simulator, api, burst, load);
  }
  const states = await waitUntilSettled(api, load.placed, opts.settleTimeoutMs, progress);
  await simulator.settled();
  return { products, plan: [...main, ...burst], load, states };
}
