import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask, SERVICE_CONFIG } from '@cardlink/platform';
import { ShopApiError } from '@cardlink/shop-client';
import type { CatalogConfig } from '../config';
import { ListingConflict, ShopSync } from './shop-sync';
import { SyncQueue, type ClaimedTask } from './sync-queue';

const CLAIM_BATCH = 32;

/** Wait before retrying a failing task: exponential with full jitter, capped. */
export function retryDelayMs(attempts: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, 500 * 2 ** Math.min(attempts, 20));
  return Math.max(100, Math.floor(random() * ceiling));
}

/**
 * Works through the sync queue: due tasks are claimed (other replicas skip
 * them), one product's tasks run in order (listing before stock), products in
 * parallel. A transient shop error (429, 5xx, timeout) reschedules the task,
 * honouring Retry-After; a permanent one marks it failed with the reason.
 */
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncWorker.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(SyncQueue) private readonly queue: SyncQueue,
    @Inject(ShopSync) private readonly sync: ShopSync,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CatalogConfig, 'SYNC_POLL_INTERVAL_MS' | 'SYNC_MAX_BACKOFF_MS'>,
  ) {
    this.task = new PeriodicTask('sync-worker', config.SYNC_POLL_INTERVAL_MS, () => this.drain(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  nudge(): void {
    this.task.nudge();
  }

  /** Runs due tasks until none is due. */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.queue.claim(CLAIM_BATCH);
      if (claimed.length === 0) return;
      const byProduct = new Map<string, ClaimedTask[]>();
      for (const task of claimed) byProduct.set(task.productId, [...(byProduct.get(task.productId) ?? []), task]);
      await Promise.all(
        [...byProduct.values()].map(async (tasks) => {
          tasks.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'listing' ? -1 : 1));
          for (const task of tasks) await this.runOne(task);
        }),
      );
      if (claimed.length < CLAIM_BATCH) return;
    }
  }

  private async runOne(task: ClaimedTask): Promise<void> {
    try {
      const outcome = await this.sync.run(task);
      if (outcome.kind === 'done') await this.queue.complete(task);
      else await this.queue.retryLater(task, outcome.delayMs);
    } catch (error) {
      const what = `${task.kind} sync of product ${task.productId}`;
      if (error instanceof ShopApiError && !error.retryable) {
        this.logger.error({ productId: task.productId, kind: task.kind, status: error.status, code: error.code }, `${what} refused by the shop: ${error.message}`);
        await this.queue.fail(task, error.message);
        return;
      }
      if (error instanceof ListingConflict) {
        this.logger.error({ productId: task.productId, kind: task.kind }, `${what} stopped: ${error.message}`);
        await this.queue.fail(task, error.message);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const delayMs = error instanceof ShopApiError && error.retryAfterMs !== undefined ? error.retryAfterMs : retryDelayMs(task.attempts, this.config.SYNC_MAX_BACKOFF_MS);
      this.logger.warn({ productId: task.productId, kind: task.kind, attempts: task.attempts + 1, delayMs }, `${what} failed, retrying: ${message}`);
      await this.queue.retryLater(task, delayMs, message.slice(0, 1000));
    }
  }
}
