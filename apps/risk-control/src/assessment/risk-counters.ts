import { createHmac } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { normaliseIdentifier } from '../lists/identifiers';
import { featuresOf, PaidOrderFacts } from './counter-book';
import { DistinctTotals } from './distinct-window-counter';
import { OrderFeatures, ProductDayTotals, VELOCITY_DIMENSIONS, VelocityDimension } from './order-features';
import { BucketState, SlidingWindowCounter, WindowTotals } from './sliding-window-counter';
import { BURST_WINDOW_IDS, BURST_WINDOWS, BurstWindowId, DAY, WINDOW_IDS, WindowId, WINDOWS, WindowSpec } from './windows';

/** counter_keys.dimension of the buyer × product daily totals. */
const BUYER_PRODUCT = 'buyerProduct';
const SHOP_SCOPE = 'shop';
const DAY_SPAN = 'day';

type VelocityState = Partial<Record<WindowId, BucketState[]>>;
interface BuyerProductState {
  units?: BucketState[];
  amount?: BucketState[];
}

interface CounterKey {
  readonly dimension: string;
  readonly hash: string;
  /** the velocity dimension, or the product of a buyer × product key */
  readonly velocity?: VelocityDimension;
  readonly productId?: string;
}

interface KeyRow {
  dimension: string;
  key_hash: string;
  state: VelocityState | BuyerProductState;
  inserted: boolean;
}

interface BurstRow {
  scope: string;
  span: string;
  orders: string;
  buyers: string;
}

/**
 * The counters of OrderFeatures, kept in the service's schema and updated in
 * the caller's transaction (the one that stores the assessment and its inbox
 * row), so an order is counted once and a rolled-back assessment counts
 * nothing. Per order, whatever the traffic: one statement that creates and
 * locks the order's identity keys in sorted order (two orders of one buyer,
 * device, IP or payment account wait for each other and never deadlock), one
 * that writes their windows back and counts the order in the identical-amount
 * buckets, and one that reads those buckets.
 * No history is scanned: each key holds its windows' non-empty buckets, the
 * same SlidingWindowCounter state the engine's tests cover.
 *
 * Identifiers are stored as HMAC-SHA256 with the service's counter key: the
 * counters never need a contact back, so the tables hold none.
 */
export class RiskCounters {
  constructor(private readonly hashKey: string | Buffer) {}

  async observe(manager: EntityManager, order: PaidOrderFacts): Promise<OrderFeatures> {
    const at = order.paidAt.getTime();
    const buyer = normaliseIdentifier('buyerId', order.buyerId) ?? order.buyerId;
    const buyerHash = this.hash('buyerId', buyer);
    const productIds = [...new Set(order.lines.map((line) => line.productId))];

    const keys = this.keysOf(order, buyer, productIds);
    const rows = await this.lockKeys(manager, keys, order.paidAt);
    const byKey = new Map(rows.map((row) => [`${row.dimension}\u0000${row.key_hash}`, row]));
    const rowOf = (key: CounterKey): KeyRow => {
      const row = byKey.get(`${key.dimension}\u0000${key.hash}`);
      if (!row) throw new Error(`counter key ${key.dimension} was not returned by the upsert`);
      return row;
    };

    const updates: { dimension: string; hash: string; state: string }[] = [];
    const velocity: { [D in VelocityDimension]?: Record<WindowId, WindowTotals> } = {};
    const buyerProductDay = new Map<string, ProductDayTotals>();
    let isNewBuyer = false;
    for (const key of keys) {
      const row = rowOf(key);
      if (key.velocity !== undefined) {
        if (key.velocity === 'buyerId') isNewBuyer = row.inserted;
        const state = row.state as VelocityState;
        const next: VelocityState = {};
        const totals = {} as Record<WindowId, WindowTotals>;
        for (const id of WINDOW_IDS) {
          const counter = restore(WINDOWS[id], state[id]);
          counter.add(at, order.amount);
          totals[id] = counter.sum(at);
          next[id] = counter.buckets();
        }
        velocity[key.velocity] = totals;
        updates.push({ dimension: key.dimension, hash: key.hash, state: JSON.stringify(next) });
      } else if (key.productId !== undefined) {
        const state = row.state as BuyerProductState;
        const units = restore(DAY, state.units);
        const amount = restore(DAY, state.amount);
        for (const line of order.lines.filter((candidate) => candidate.productId === key.productId)) {
          units.add(at, 0, line.quantity);
          amount.add(at, line.quantity * line.unitPrice);
        }
        buyerProductDay.set(key.productId, { quantity: units.sum(at).count, amount: amount.sum(at).amount });
        updates.push({
          dimension: key.dimension,
          hash: key.hash,
          state: JSON.stringify({ units: units.buckets(), amount: amount.buckets() }),
        });
      }
    }
    const burst = await this.countAmount(manager, updates, order.amount, at, buyerHash, productIds);
    const products = new Map<string, Record<BurstWindowId, DistinctTotals>>();
    const productsDay = new Map<string, number>();
    for (const productId of productIds) {
      products.set(productId, burst.windows(`product:${productId}`));
      productsDay.set(productId, burst.day(`product:${productId}`));
    }
    return featuresOf(order, isNewBuyer, {
      velocity,
      identicalAmount: { shop: burst.windows(SHOP_SCOPE), products },
      identicalAmountDay: { shop: burst.day(SHOP_SCOPE), products: productsDay },
      buyerProductDay,
    });
  }

  private keysOf(order: PaidOrderFacts, buyer: string, productIds: readonly string[]): CounterKey[] {
    const keys: CounterKey[] = [];
    for (const dimension of VELOCITY_DIMENSIONS) {
      const raw = order[dimension];
      const value = raw === undefined ? undefined : normaliseIdentifier(dimension, raw);
      if (value !== undefined) keys.push({ dimension, hash: this.hash(dimension, value), velocity: dimension });
    }
    for (const productId of productIds) {
      keys.push({ dimension: BUYER_PRODUCT, hash: this.hash(BUYER_PRODUCT, `${buyer}\u0000${productId}`), productId });
    }
    // One lock order for every transaction: no deadlock between orders sharing identifiers.
    return keys.sort((a, b) => compare(a.dimension, b.dimension) || compare(a.hash, b.hash));
  }

  /** Creates missing keys and locks all of them, in the sorted order given; `inserted` tells a first sighting. */
  private async lockKeys(manager: EntityManager, keys: readonly CounterKey[], at: Date): Promise<KeyRow[]> {
    return (await manager.query(
      `INSERT INTO counter_keys (dimension, key_hash, first_seen_at, last_seen_at, state)
       SELECT k.dimension, k.key_hash, $3, $3, '{}'::jsonb FROM unnest($1::text[], $2::text[]) AS k(dimension, key_hash)
       ON CONFLICT (dimension, key_hash) DO UPDATE SET last_seen_at = GREATEST(counter_keys.last_seen_at, EXCLUDED.last_seen_at)
       RETURNING dimension, key_hash, state, (xmax = 0) AS inserted`,
      [keys.map((k) => k.dimension), keys.map((k) => k.hash), at],
    )) as KeyRow[];
  }

  /**
   * Writes the identity keys' windows back, counts the order in the
   * identical-amount buckets (shop-wide and per product) and reads each
   * window's orders and distinct buyers. The bucket
   * upsert holds its row until commit, so concurrent orders of one amount
   * count one after the other and each sees the ones before it.
   */
  private async countAmount(
    manager: EntityManager,
    keyUpdates: readonly { dimension: string; hash: string; state: string }[],
    amount: number,
    at: number,
    buyerHash: string,
    productIds: readonly string[],
  ): Promise<{ windows(scope: string): Record<BurstWindowId, DistinctTotals>; day(scope: string): number }> {
    const scopes = [SHOP_SCOPE, ...productIds.map((id) => `product:${id}`)].sort(compare);
    const spans: { span: string; spec: WindowSpec; buyers: boolean }[] = [
      ...BURST_WINDOW_IDS.map((id) => ({ span: id as string, spec: BURST_WINDOWS[id], buyers: true })),
      { span: DAY_SPAN, spec: DAY, buyers: false },
    ].sort((a, b) => compare(a.span, b.span));
    const cells = scopes.flatMap((scope) => spans.map((s) => ({ scope, ...s, tick: Math.floor(at / s.spec.bucketMs) })));

    const buyerCells = cells.filter((c) => c.buyers);
    // One round trip for every write: the identity keys' new windows, the buyers and the bucket counts.
    await manager.query(
      `WITH keys AS (
         UPDATE counter_keys AS c SET state = v.state
           FROM unnest($6::text[], $7::text[], $8::jsonb[]) AS v(dimension, key_hash, state)
          WHERE c.dimension = v.dimension AND c.key_hash = v.key_hash
       ), buyers AS (
         INSERT INTO amount_bucket_buyers (scope, amount, span, tick, buyer_hash)
         SELECT c.scope, $1, c.span, c.tick, $5 FROM unnest($9::text[], $10::text[], $11::bigint[]) AS c(scope, span, tick)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO amount_buckets (scope, amount, span, tick, orders)
       SELECT c.scope, $1, c.span, c.tick, 1 FROM unnest($2::text[], $3::text[], $4::bigint[]) AS c(scope, span, tick)
       ON CONFLICT (scope, amount, span, tick) DO UPDATE SET orders = amount_buckets.orders + 1`,
      [
        amount,
        cells.map((c) => c.scope),
        cells.map((c) => c.span),
        cells.map((c) => c.tick),
        buyerHash,
        keyUpdates.map((u) => u.dimension),
        keyUpdates.map((u) => u.hash),
        keyUpdates.map((u) => u.state),
        buyerCells.map((c) => c.scope),
        buyerCells.map((c) => c.span),
        buyerCells.map((c) => c.tick),
      ],
    );
    // The same boundary rule as SlidingWindowCounter: ticks after the one holding `at - window`, up to the one holding `at`.
    const rows = (await manager.query(
      `SELECT w.scope, w.span,
              (SELECT coalesce(sum(b.orders), 0) FROM amount_buckets b
                WHERE b.scope = w.scope AND b.amount = $1 AND b.span = w.span AND b.tick > w.after_tick AND b.tick <= w.until_tick) AS orders,
              CASE WHEN w.with_buyers THEN
                (SELECT count(DISTINCT u.buyer_hash) FROM amount_bucket_buyers u
                  WHERE u.scope = w.scope AND u.amount = $1 AND u.span = w.span AND u.tick > w.after_tick AND u.tick <= w.until_tick)
              ELSE 0 END AS buyers
         FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::boolean[]) AS w(scope, span, after_tick, until_tick, with_buyers)`,
      [
        amount,
        cells.map((c) => c.scope),
        cells.map((c) => c.span),
        cells.map((c) => Math.floor((at - c.spec.windowMs) / c.spec.bucketMs)),
        cells.map((c) => c.tick),
        cells.map((c) => c.buyers),
      ],
    )) as BurstRow[];
    const read = new Map(rows.map((row) => [`${row.scope}\u0000${row.span}`, row]));
    const cell = (scope: string, span: string): BurstRow => {
      const row = read.get(`${scope}\u0000${span}`);
      if (!row) throw new Error(`identical-amount window ${span} of ${scope} was not read`);
      return row;
    };
    return {
      windows: (scope) =>
        Object.fromEntries(
          BURST_WINDOW_IDS.map((id) => {
            const row = cell(scope, id);
            return [id, { count: Number(row.orders), distinct: Number(row.buyers) }];
          }),
        ) as Record<BurstWindowId, DistinctTotals>,
      day: (scope) => Number(cell(scope, DAY_SPAN).orders),
    };
  }

  private hash(dimension: string, value: string): string {
    return createHmac('sha256', this.hashKey).update(`${dimension}\u0000${value}`).digest('base64url');
  }
}

function restore(spec: WindowSpec, buckets: readonly BucketState[] | undefined): SlidingWindowCounter {
  return SlidingWindowCounter.restore(spec, buckets ?? []);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
