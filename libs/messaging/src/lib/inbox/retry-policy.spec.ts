import { retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  const policy = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling per attempt and jitters within its upper half', () => {
    expect(retryDelayMs(policy, 2, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 2, () => 1)).toBe(100);
    expect(retryDelayMs(policy, 3, () => 1)).toBe(200);
    expect(retryDelayMs(policy, 4, () => 0)).toBe(200);
  });

  it('never exceeds the maximum delay', () => {
    expect(retryDelayMs(policy, 30, () => 1)).toBe(1000);
  });
});
