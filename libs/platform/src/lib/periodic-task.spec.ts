import { PeriodicTask } from './periodic-task';

const quietLogger = { error: jest.fn() } as never;

describe('PeriodicTask', () => {
  it('runs one more round when nudged during a round, never two at once', async () => {
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    let release: () => void = () => undefined;
    const task = new PeriodicTask(
      'probe',
      60_000,
      async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        rounds += 1;
        if (rounds === 1)
          await new Promise<void>((resolve) => (release = resolve));
        active -= 1;
      },
      quietLogger,
    );
    task.nudge();
    task.nudge();
    task.nudge();
    release();
    // runOnce waits for the round in progress (and the one nudged during it), then runs its own.
    await task.runOnce();
    await task.stop();
    expect(maxActive).toBe(1);
    expect(rounds).toBe(3);
  });

  it('logs a failed round and keeps going', async () => {
    const logger = { error: jest.fn() };
    let rounds = 0;
    const task = new PeriodicTask(
      'probe',
      60_000,
      async () => {
        rounds += 1;
        if (rounds === 1) throw new Error('database hiccup');
      },
      logger as never,
    );
    task.nudge();
    await task.stop();
    task.nudge();
    await task.stop();
    expect(rounds).toBe(2);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
