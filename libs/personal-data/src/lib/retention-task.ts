import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@cardlink/platform';
import type { PersonalDataConfig } from './config';

const DAY_MS = 86_400_000;

/**
 * The schedule of a service's retention work: a first round at start-up, then
 * one every PERSONAL_DATA_RETENTION_INTERVAL_MS, never two at once, stopped
 * with the service. A subclass says what one round erases.
 */
export abstract class RetentionTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private readonly task: PeriodicTask;

  protected constructor(
    name: string,
    protected readonly retention: Pick<PersonalDataConfig, 'PERSONAL_DATA_RETENTION_DAYS' | 'PERSONAL_DATA_RETENTION_INTERVAL_MS'>,
  ) {
    this.logger = new Logger(name);
    this.task = new PeriodicTask(name, retention.PERSONAL_DATA_RETENTION_INTERVAL_MS, async () => void (await this.runRound()), this.logger);
  }

  /** One round at `now`: erases what is older than the retention period. */
  abstract runRound(now?: Date): Promise<unknown>;

  /** Contacts from before this instant are past their retention. */
  protected cutoff(now: Date): Date {
    return new Date(now.getTime() - this.retention.PERSONAL_DATA_RETENTION_DAYS * DAY_MS);
  }

  onApplicationBootstrap(): void {
    this.task.start();
    this.task.nudge();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
