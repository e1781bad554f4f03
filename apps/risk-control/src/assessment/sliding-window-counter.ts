import { assertWindowSpec, WindowSpec } from './windows';

export interface WindowTotals {
  /** events (orders, or units when the caller adds a quantity) */
  readonly count: number;
  /** sum of the events' amounts, in minor units */
  readonly amount: number;
}

/** One bucket as stored: its index on the time axis (epoch ms / bucketMs), its count and amount. */
export type BucketState = readonly [tick: number, count: number, amount: number];

/**
 * Count and amount of events over a sliding window, kept in time buckets so
 * that memory and reading time are bounded by the window, not by traffic: at
 * most windowMs / bucketMs buckets, and only the non-empty ones are held (most
 * buyers, devices and IPs have one or two), oldest dropped as time moves on.
 *
 * Boundary rule: time is cut into buckets of `bucketMs` (aligned on the epoch).
 * The window read at `at` is the windowMs / bucketMs buckets ending with the one
 * that contains `at`; the bucket containing `at - windowMs` is the first one
 * left out. So an event exactly `windowMs` old is always OUT, an event younger
 * than `windowMs - bucketMs` is always IN, and between the two an event is IN
 * when it lies in a later bucket than `at - windowMs` (the window is exactly
 * (at - windowMs, at] when `at` is the last millisecond of a bucket). Events
 * later than `at` are not counted.
 *
 * Buckets a whole window older than the newest event are forgotten, so reading
 * long before the newest event may miss them; risk-control reads at the time
 * of the order it has just added.
 */
export class SlidingWindowCounter {
  private readonly slots: number;
  /** oldest first */
  private held: [tick: number, count: number, amount: number][] = [];

  constructor(readonly spec: WindowSpec) {
    assertWindowSpec(spec);
    this.slots = spec.windowMs / spec.bucketMs;
  }

  /** Adds one event at epoch ms `at`: `count` (1 for an order; the units for a quantity) and `amount`. */
  add(at: number, amount: number, count = 1): void {
    const tick = Math.floor(at / this.spec.bucketMs);
    const newest = this.held.length > 0 ? this.held[this.held.length - 1][0] : Number.NEGATIVE_INFINITY;
    if (tick === newest) {
      const bucket = this.held[this.held.length - 1];
      bucket[1] += count;
      bucket[2] += amount;
      return;
    }
    if (tick > newest) {
      this.held.push([tick, count, amount]);
      this.forgetBefore(tick);
      return;
    }
    // A late event: it goes into its bucket unless it is a whole window older than the newest.
    if (tick <= newest - this.slots) return;
    const index = this.held.findIndex((bucket) => bucket[0] >= tick);
    if (this.held[index][0] === tick) {
      this.held[index][1] += count;
      this.held[index][2] += amount;
    } else {
      this.held.splice(index, 0, [tick, count, amount]);
    }
  }

  /** Totals of the window ending at epoch ms `at` (see the boundary rule above). */
  sum(at: number): WindowTotals {
    const newest = Math.floor(at / this.spec.bucketMs);
    const outside = Math.floor((at - this.spec.windowMs) / this.spec.bucketMs);
    let count = 0;
    let amount = 0;
    for (const [tick, bucketCount, bucketAmount] of this.held) {
      if (tick > outside && tick <= newest) {
        count += bucketCount;
        amount += bucketAmount;
      }
    }
    return { count, amount };
  }

  /** The non-empty buckets, oldest first: what a store persists. */
  buckets(): BucketState[] {
    return this.held.map(([tick, count, amount]) => [tick, count, amount] as const);
  }

  static restore(spec: WindowSpec, buckets: readonly BucketState[]): SlidingWindowCounter {
    const counter = new SlidingWindowCounter(spec);
    for (const [tick, count, amount] of buckets) counter.add(tick * spec.bucketMs, amount, count);
    return counter;
  }

  private forgetBefore(newestTick: number): void {
    const keepFrom = this.held.findIndex((bucket) => bucket[0] > newestTick - this.slots);
    if (keepFrom > 0) this.held = this.held.slice(keepFrom);
  }
}
