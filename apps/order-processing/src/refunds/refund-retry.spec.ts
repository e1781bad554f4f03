import { describeFailure, nextAttemptDelayMs } from './refund-retry';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('refund retry', () => {
  it('doubles the wait after each failed attempt, from the base', () => {
    expect([1, 2, 3, 4].map((n) => nextAttemptDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(nextAttemptDelayMs(7, policy)).toBe(60_000);
    expect(nextAttemptDelayMs(1_000, policy)).toBe(60_000);
  });

  it("waits at least as long as the shop's Retry-After, within the cap", () => {
    expect(nextAttemptDelayMs(1, policy, 30_000)).toBe(30_000);
    expect(nextAttemptDelayMs(4, policy, 500)).toBe(8_000);
    expect(nextAttemptDelayMs(1, policy, 3_600_000)).toBe(60_000);
  });

  it('keeps the error short and named', () => {
    expect(describeFailure(new RangeError('x'.repeat(2_000)))).toHaveLength(1_000);
    expect(describeFailure(new TypeError('fetch failed'))).toBe('TypeError: fetch failed');
  });
});
