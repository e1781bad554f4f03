import { intBetween, mulberry32, pick } from './random';
import type { PlaceOrderInput } from './schemas';
import type { PlaceOrderResult } from './simulator';
import type { Buyer } from './shop';

/**
 * Identities the load uses for its fraud share. They are fixed so a demo or
 * an end-to-end test can put them on risk-control's block lists beforehand.
 * Addresses come from the documentation ranges (RFC 5737, RFC 2606).
 */
export const FRAUD_IDENTITIES: readonly Required<Pick<Buyer, 'buyerId' | 'email' | 'phone' | 'ip' | 'deviceId'>>[] = Array.from({ length: 5 }, (_, i) => ({
  buyerId: `fraud-buyer-${i + 1}`,
  email: `fraud${i + 1}@blocked.example`,
  phone: `+861700000000${i + 1}`,
  ip: `203.0.113.${i + 1}`,
  deviceId: `fraud-device-${i + 1}`,
}));

export interface LoadOptions {
  orders: number;
  /** Orders per second; 0 places them all at once. */
  ratePerSecond: number;
  /** Share of orders (0–1) placed by FRAUD_IDENTITIES. */
  fraudShare: number;
  seed: number;
  /** Quantities are drawn from 1 to this. Default 3. */
  maxQuantity?: number;
  /** A burst of this many same-amount orders (quantity 1, one listing, distinct buyers) placed at the same moment, halfway through. Default 0. */
  burst?: number;
  /** Prefix of the shop order ids; keep it unique per run against a long-lived stack. */
  runId: string;
}

export interface PlannedOrder {
  shopOrderId: string;
  listingId: string;
  quantity: number;
  buyer: Buyer;
  fraud: boolean;
  burst: boolean;
  /** Milliseconds after the start of the run. */
  atMs: number;
}

function normalBuyer(seed: number, index: number, random: () => number): Buyer {
  const n = index + 1;
  return {
    buyerId: `buyer-${seed}-${n}`,
    email: `buyer${n}.s${seed}@example.com`,
    phone: `+86139${String(10_000_000 + ((seed * 7919 + n) % 90_000_000)).padStart(8, '0')}`,
    ip: `198.51.100.${(n % 250) + 1}`,
    deviceId: `device-${seed}-${n}`,
    locale: random() < 0.8 ? 'zh-CN' : 'en',
  };
}

/**
 * The run, decided entirely by the seed: which listing each order buys, how
 * many, who buys it (a pool of ordinary buyers, some repeat customers, and
 * the fraud identities), and when.
 */
export function planOrders(listingIds: readonly string[], options: LoadOptions): PlannedOrder[] {
  if (listingIds.length === 0) throw new Error('no listings to buy from');
  const random = mulberry32(options.seed);
  const buyerPool = Array.from({ length: Math.max(20, Math.ceil(options.orders / 2)) }, (_, i) => normalBuyer(options.seed, i, random));
  const maxQuantity = options.maxQuantity ?? 3;
  const interval = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  const burst = Math.min(options.burst ?? 0, options.orders);
  const burstStart = Math.floor((options.orders - burst) / 2);
  const burstListing = pick(random, listingIds);
  const plan: PlannedOrder[] = [];
  for (let i = 0; i < options.orders; i += 1) {
    const inBurst = i >= burstStart && i < burstStart + burst;
    const fraud = !inBurst && random() < options.fraudShare;
    const buyer = inBurst ? (buyerPool[(i - burstStart) % buyerPool.length] as Buyer) : fraud ? { ...pick(random, FRAUD_IDENTITIES) } : pick(random, buyerPool);
    plan.push({
      shopOrderId: `${options.runId}-${String(i + 1).padStart(6, '0')}`,
      listingId: inBurst ? burstListing : pick(random, listingIds),
      quantity: inBurst ? 1 : intBetween(random, 1, maxQuantity),
      buyer: { ...buyer },
      fraud,
      burst: inBurst,
      atMs: Math.round((inBurst ? burstStart : i) * interval),
    });
  }
  return plan;
}

export interface OrderTarget {
  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
}

export interface LoadResult {
  placed: number;
  outOfStock: number;
  unavailable: number;
  acknowledged: number;
  notAcknowledged: number;
  durationMs: number;
}

/** Places the planned orders on schedule, without waiting for one webhook before the next order. */
export async function runLoad(target: OrderTarget, plan: readonly PlannedOrder[], onProgress?: (done: number, total: number) => void): Promise<LoadResult> {
  const started = Date.now();
  const result: LoadResult = { placed: 0, outOfStock: 0, unavailable: 0, acknowledged: 0, notAcknowledged: 0, durationMs: 0 };
  let done = 0;
  const pending: Promise<void>[] = [];
  for (const order of plan) {
    const wait = started + order.atMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { buyerId, ...contacts } = order.buyer;
    pending.push(
      target.placeOrder({ shopOrderId: order.shopOrderId, listingId: order.listingId, quantity: order.quantity, buyer: { id: buyerId, ...contacts } }).then((outcome) => {
        done += 1;
        if (outcome.outcome === 'placed') {
          result.placed += 1;
          if (outcome.webhook?.acknowledged === true) result.acknowledged += 1;
          if (outcome.webhook?.acknowledged === false) result.notAcknowledged += 1;
        } else if (outcome.outcome === 'out_of_stock') result.outOfStock += 1;
        else result.unavailable += 1;
        onProgress?.(done, plan.length);
      }),
    );
  }
  await Promise.all(pending);
  result.durationMs = Date.now() - started;
  return result;
}
