import {
  DEFAULT_READINESS_TIMEOUT_MS,
  runReadinessCheck,
} from './readiness-check';

describe('runReadinessCheck', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves when the check resolves in time', async () => {
    await expect(
      runReadinessCheck({ name: 'postgres', check: () => Promise.resolve() }),
    ).resolves.toBeUndefined();
  });

  it("passes on the check's own error", async () => {
    const check = () =>
      Promise.reject(new Error('password authentication failed'));

    await expect(
      runReadinessCheck({ name: 'postgres', check }),
    ).rejects.toThrow('password authentication failed');
  });

  it('fails a check that hangs past the default timeout of 2000 ms', async () => {
    jest.useFakeTimers();
    const outcome = runReadinessCheck({
      name: 'kafka',
      check: () => new Promise<void>(() => undefined),
    });
    const settled = jest.fn();
    outcome.catch(settled);

    await jest.advanceTimersByTimeAsync(DEFAULT_READINESS_TIMEOUT_MS - 1);
    expect(settled).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1);
    expect(DEFAULT_READINESS_TIMEOUT_MS).toBe(2000);
    await expect(outcome).rejects.toThrow('timed out after 2000 ms');
  });

  it('leaves no timer behind once the check settles', async () => {
    jest.useFakeTimers();

    await runReadinessCheck({
      name: 'postgres',
      check: () => Promise.resolve(),
      timeoutMs: 50,
    });

    expect(jest.getTimerCount()).toBe(0);
  });
});
