import { SlidingWindowCounter } from './sliding-window-counter';
import { WINDOWS } from './windows';

const MINUTE = { windowMs: 60_000, bucketMs: 1_000 };
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('SlidingWindowCounter', () => {
  it('sums count and amount of the events in the window', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.add(T0, 500);
    counter.add(T0 + 10, 700);
    counter.add(T0 + 30_000, 100);
    expect(counter.sum(T0 + 30_000)).toEqual({ count: 3, amount: 1_300 });
  });

  it('counts several units as one add when asked to', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.add(T0, 0, 5);
    counter.add(T0 + 1, 0, 2);
    expect(counter.sum(T0 + 1).count).toBe(7);
  });

  describe('boundary: an event exactly one window old is OUT', () => {
    it('leaves out an event exactly windowMs old', () => {
      const counter = new SlidingWindowCounter(MINUTE);
      counter.add(T0, 100);
      expect(counter.sum(T0 + 60_000)).toEqual({ count: 0, amount: 0 });
    });

    it('leaves out an event one millisecond younger than the window when both share the bucket of at - windowMs', () => {
      const counter = new SlidingWindowCounter(MINUTE);
      counter.add(T0 + 1, 100);
      expect(counter.sum(T0 + 60_000)).toEqual({ count: 0, amount: 0 });
    });

    it('keeps an event windowMs - 1 old when the read is the last millisecond of a bucket (window exactly (at - windowMs, at])', () => {
      const counter = new SlidingWindowCounter(MINUTE);
      counter.add(T0, 100);
      expect(counter.sum(T0 + 59_999)).toEqual({ count: 1, amount: 100 });
    });

    it('leaves out, off a bucket edge, an event in the bucket containing at - windowMs, even when slightly younger', () => {
      const counter = new SlidingWindowCounter(MINUTE);
      counter.add(T0 + 600, 100);
      // at - windowMs = T0 + 500 lies in the bucket [T0, T0 + 1000): the whole bucket is out.
      expect(counter.sum(T0 + 60_500).count).toBe(0);
    });

    it('always keeps an event younger than windowMs - bucketMs', () => {
      const counter = new SlidingWindowCounter(MINUTE);
      counter.add(T0 + 999, 100);
      expect(counter.sum(T0 + 999 + 59_000 - 1).count).toBe(1);
    });

    it('holds for the hour and day windows too', () => {
      for (const spec of [WINDOWS['1h'], WINDOWS['24h']]) {
        const counter = new SlidingWindowCounter(spec);
        counter.add(T0, 1);
        expect(counter.sum(T0 + spec.windowMs - 1).count).toBe(1);
        expect(counter.sum(T0 + spec.windowMs).count).toBe(0);
      }
    });
  });

  it('does not count events after the time read', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.add(T0, 100);
    counter.add(T0 + 5_000, 100);
    expect(counter.sum(T0 + 4_999).count).toBe(1);
  });

  it('slides: old buckets drop out while new ones come in', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    for (let second = 0; second < 180; second++) counter.add(T0 + second * 1_000, 10);
    expect(counter.sum(T0 + 179_000)).toEqual({ count: 60, amount: 600 });
    expect(counter.buckets()).toHaveLength(60);
  });

  it('puts a late event into its own bucket', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.add(T0 + 10_000, 100);
    counter.add(T0 + 30_000, 100);
    counter.add(T0 + 20_000, 5);
    counter.add(T0 + 10_500, 1);
    expect(counter.buckets()).toEqual([
      [(T0 + 10_000) / 1_000, 2, 101],
      [(T0 + 20_000) / 1_000, 1, 5],
      [(T0 + 30_000) / 1_000, 1, 100],
    ]);
    expect(counter.sum(T0 + 25_000)).toEqual({ count: 3, amount: 106 });
  });

  it('ignores an event a whole window older than the newest one', () => {
    const counter = new SlidingWindowCounter(MINUTE);
    counter.add(T0 + 60_000, 100);
    counter.add(T0, 7);
    expect(counter.buckets()).toEqual([[(T0 + 60_000) / 1_000, 1, 100]]);
  });

  it('round-trips through its stored buckets', () => {
    const counter = new SlidingWindowCounter(WINDOWS['1h']);
    counter.add(T0, 100);
    counter.add(T0 + 61_000, 250);
    counter.add(T0 + 62_000, 50);
    const restored = SlidingWindowCounter.restore(WINDOWS['1h'], counter.buckets());
    expect(restored.buckets()).toEqual(counter.buckets());
    expect(restored.sum(T0 + 3_599_999)).toEqual({ count: 3, amount: 400 });
  });

  it('refuses a window that is not a whole number of buckets', () => {
    expect(() => new SlidingWindowCounter({ windowMs: 60_000, bucketMs: 7_000 })).toThrow(
      'not a whole number of 7000 ms buckets',
    );
    expect(() => new SlidingWindowCounter({ windowMs: 60_000, bucketMs: 0 })).toThrow('must be positive');
  });
});
