import { DistinctWindowCounter } from './distinct-window-counter';
import { BURST_WINDOWS } from './windows';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('DistinctWindowCounter', () => {
  it('counts events and distinct members across buckets', () => {
    const counter = new DistinctWindowCounter(BURST_WINDOWS['1m']);
    counter.add(T0, 'buyer-a');
    counter.add(T0 + 1_000, 'buyer-a');
    counter.add(T0 + 20_000, 'buyer-b');
    counter.add(T0 + 40_000, 'buyer-a');
    expect(counter.sum(T0 + 40_000)).toEqual({ count: 4, distinct: 2 });
  });

  it('leaves out an event exactly one window old and keeps one a millisecond younger', () => {
    const counter = new DistinctWindowCounter(BURST_WINDOWS['1m']);
    counter.add(T0, 'buyer-a');
    counter.add(T0 + 1, 'buyer-b');
    expect(counter.sum(T0 + 59_999)).toEqual({ count: 2, distinct: 2 });
    expect(counter.sum(T0 + 60_000)).toEqual({ count: 0, distinct: 0 });
    expect(counter.sum(T0 + 60_001)).toEqual({ count: 0, distinct: 0 });
    expect(counter.sum(T0 + 64_999)).toEqual({ count: 0, distinct: 0 });
  });

  it('slides and forgets old buckets', () => {
    const counter = new DistinctWindowCounter(BURST_WINDOWS['1m']);
    for (let i = 0; i < 30; i++) counter.add(T0 + i * 5_000, `buyer-${i}`);
    // 12 buckets of 5 s in a minute: the last 12 buyers.
    expect(counter.sum(T0 + 29 * 5_000)).toEqual({ count: 12, distinct: 12 });
  });

  it('takes a late event into its bucket and ignores one older than a window', () => {
    const counter = new DistinctWindowCounter(BURST_WINDOWS['1m']);
    counter.add(T0 + 30_000, 'buyer-a');
    counter.add(T0 + 10_000, 'buyer-b');
    counter.add(T0 - 31_000, 'buyer-c');
    expect(counter.sum(T0 + 30_000)).toEqual({ count: 2, distinct: 2 });
  });

  it('keeps counting events but stops remembering members once a bucket is full', () => {
    const counter = new DistinctWindowCounter(BURST_WINDOWS['1m'], 3);
    for (let i = 0; i < 5; i++) counter.add(T0, `buyer-${i}`);
    expect(counter.sum(T0)).toEqual({ count: 5, distinct: 3 });
  });

  it('refuses a bucket that can remember nobody', () => {
    expect(() => new DistinctWindowCounter(BURST_WINDOWS['1m'], 0)).toThrow(
      'membersPerBucket must be a positive whole number',
    );
  });
});
