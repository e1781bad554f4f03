import { assertWindowSpec, WindowSpec } from './windows';

export interface DistinctTotals {
  /** events in the window */
  readonly count: number;
  /** distinct members (buyer ids) among them */
  readonly distinct: number;
}

/** How many members one bucket remembers; far above any burst threshold. */
export const DEFAULT_MEMBERS_PER_BUCKET = 1_000;

interface Bucket {
  readonly tick: number;
  count: number;
  readonly members: Set<string>;
}

/**
 * Events and distinct members (e.g. orders of one amount and the buyers who
 * placed them) over a sliding window: time buckets, each holding its event
 * count and the set of members seen in it, at most windowMs / bucketMs of
 * them. Same boundary rule as SlidingWindowCounter: an event exactly
 * `windowMs` old is OUT.
 *
 * A bucket stops remembering new members once it holds `membersPerBucket`, so
 * memory stays bounded under a flood; `distinct` is then a lower bound that is
 * still far above any threshold.
 */
export class DistinctWindowCounter {
  private readonly slots: number;
  /** oldest first */
  private held: Bucket[] = [];

  constructor(
    readonly spec: WindowSpec,
    private readonly membersPerBucket = DEFAULT_MEMBERS_PER_BUCKET,
  ) {
    assertWindowSpec(spec);
    if (!Number.isInteger(membersPerBucket) || membersPerBucket < 1) {
      throw new RangeError(`membersPerBucket must be a positive whole number, got ${membersPerBucket}`);
    }
    this.slots = spec.windowMs / spec.bucketMs;
  }

  add(at: number, member: string): void {
    const tick = Math.floor(at / this.spec.bucketMs);
    const newest = this.held.length > 0 ? this.held[this.held.length - 1].tick : Number.NEGATIVE_INFINITY;
    let bucket: Bucket | undefined;
    if (tick === newest) {
      bucket = this.held[this.held.length - 1];
    } else if (tick > newest) {
      bucket = { tick, count: 0, members: new Set() };
      this.held.push(bucket);
      const keepFrom = this.held.findIndex((candidate) => candidate.tick > tick - this.slots);
      if (keepFrom > 0) this.held = this.held.slice(keepFrom);
    } else if (tick > newest - this.slots) {
      const index = this.held.findIndex((candidate) => candidate.tick >= tick);
      bucket = this.held[index];
      if (bucket.tick !== tick) {
        bucket = { tick, count: 0, members: new Set() };
        this.held.splice(index, 0, bucket);
      }
    }
    if (!bucket) return;
    bucket.count += 1;
    if (bucket.members.size < this.membersPerBucket) bucket.members.add(member);
  }

  sum(at: number): DistinctTotals {
    const newest = Math.floor(at / this.spec.bucketMs);
    const outside = Math.floor((at - this.spec.windowMs) / this.spec.bucketMs);
    let count = 0;
    const members = new Set<string>();
    for (const bucket of this.held) {
      if (bucket.tick > outside && bucket.tick <= newest) {
        count += bucket.count;
        for (const member of bucket.members) members.add(member);
      }
    }
    return { count, distinct: members.size };
  }
}
