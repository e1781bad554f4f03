import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { CatalogConfig } from '../config';
import { DriftService } from './drift.service';

/** Runs reconciliation every RECONCILE_INTERVAL_MS (0: only on demand). */
@Injectable()
export class ReconciliationSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconciliationSchedule.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(DriftService) private readonly drift: DriftService,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CatalogConfig, 'RECONCILE_INTERVAL_MS'>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RECONCILE_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      this.drift.reconcile().catch((error: unknown) => this.logger.error({ err: error }, 'scheduled reconciliation failed; trying again next time'));
    }, this.config.RECONCILE_INTERVAL_MS);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
