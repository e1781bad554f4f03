import { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs` and whenever nudged, never twice at once.
 * Failures are logged and retried on the next round, so a database hiccup
 * only delays the work.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger = new Logger(name),
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.nudge(), this.intervalMs);
  }

  /** Runs soon; if a round is in progress, one more round follows it. */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.again = false;
    await this.running;
  }

  /** One round now, for tests and commands; waits for a round in progress first. */
  async runOnce(): Promise<void> {
    await this.running;
    await this.work();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.work();
      } catch (error) {
        this.logger.error({ err: error }, `${this.name} failed; retrying on the next round`);
      }
    } while (this.again);
  }
}
