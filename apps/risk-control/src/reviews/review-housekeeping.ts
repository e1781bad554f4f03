import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { UnitOfWork } from '@cardlink/platform';
import { BURST_WINDOWS, DAY, WindowSpec } from '../assessment/windows';
import type { RiskConfig } from '../config';
import type { FinalDecision, ReviewQueue } from './review-queue';

const BATCH = 100;

/**
 * Periodically gives overdue reviews the configured default decision (reject
 * unless configured otherwise) and deletes identical-amount buckets that no
 * window reads any more. Each replica may run it: overdue cases are taken with
 * SKIP LOCKED, so a case is decided once.
 */
@Injectable()
export class ReviewHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReviewHousekeeping.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** Built by RiskModule's factory, with the settings from the configuration. */
  constructor(
    private readonly reviews: ReviewQueue,
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly settings: { intervalMs: number; timeoutDecision: FinalDecision },
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Decides every review due at `now`; returns how many. */
  async decideOverdue(now: Date): Promise<number> {
    let decided = 0;
    for (;;) {
      const batch = await this.unitOfWork.run(async (manager) => {
        const ids = await this.reviews.lockOverdue(manager, now, BATCH);
        for (const id of ids) {
          await this.reviews.decide(manager, id, this.settings.timeoutDecision, { kind: 'review-timeout' }, null, now);
        }
        return ids.length;
      });
      decided += batch;
      if (batch < BATCH) return decided;
    }
  }

  /** Buckets older than a day past their window (late orders may still need them for a while). */
  async forgetOldBuckets(now: Date): Promise<void> {
    const cutoff = now.getTime() - 2 * 86_400_000;
    await this.dataSource.query(
      `DELETE FROM amount_buckets WHERE (span = '1m' AND tick < $1) OR (span = '10m' AND tick < $2) OR (span = 'day' AND tick < $3)`,
      [tickOf(cutoff, BURST_WINDOWS['1m']), tickOf(cutoff, BURST_WINDOWS['10m']), tickOf(cutoff, DAY)],
    );
    await this.dataSource.query(
      `DELETE FROM amount_bucket_buyers WHERE (span = '1m' AND tick < $1) OR (span = '10m' AND tick < $2)`,
      [tickOf(cutoff, BURST_WINDOWS['1m']), tickOf(cutoff, BURST_WINDOWS['10m'])],
    );
  }

  private async tick(): Promise<void> {
    const now = new Date();
    try {
      const decided = await this.decideOverdue(now);
      if (decided > 0) this.logger.warn({ decided, decision: this.settings.timeoutDecision }, 'overdue reviews took the default decision');
      await this.forgetOldBuckets(now);
    } catch (error) {
      this.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'review housekeeping failed; retrying on the next round');
    }
  }
}

export function housekeepingSettings(config: RiskConfig): { intervalMs: number; timeoutDecision: FinalDecision } {
  return { intervalMs: config.RISK_HOUSEKEEPING_INTERVAL_MS, timeoutDecision: config.RISK_REVIEW_TIMEOUT_DECISION };
}

function tickOf(at: number, spec: WindowSpec): number {
  return Math.floor(at / spec.bucketMs);
}
