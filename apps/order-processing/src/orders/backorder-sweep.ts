import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { OrderProcessingConfig } from '../config';
import { refundBackorder } from './domain/order';
import { OrderLifecycle } from './order-lifecycle';
import { OrderStore } from './order-store';

const BATCH = 100;

/**
 * Refunds orders that stayed OUT_OF_STOCK longer than OUT_OF_STOCK_REFUND_AFTER_MS.
 * Several replicas may sweep at once: each locks the orders it takes with
 * FOR UPDATE SKIP LOCKED, so an order is refunded by one of them, once; an
 * allocation that fills the backorder meanwhile waits for the lock and then
 * finds the order refunded (or the sweep finds it ALLOCATED and skips it).
 */
@Injectable()
export class BackorderSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackorderSweep.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: OrderProcessingConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(OrderLifecycle) private readonly lifecycle: OrderLifecycle,
  ) {
    this.task = new PeriodicTask('out-of-stock sweep', config.OUT_OF_STOCK_SWEEP_INTERVAL_MS, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Refunds every backorder that waited too long; returns their order ids. */
  async sweep(): Promise<string[]> {
    const refunded: string[] = [];
    for (;;) {
      const batch = await this.unitOfWork.run(async (manager) => {
        const rows = (await manager.query(
          `SELECT id FROM orders WHERE state = 'OUT_OF_STOCK' AND updated_at <= now() - $1 * interval '1 millisecond'
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [this.config.OUT_OF_STOCK_REFUND_AFTER_MS, BATCH],
        )) as { id: string }[];
        const store = new OrderStore(manager);
        for (const { id } of rows) {
          const order = await store.findById(id);
          if (order?.state !== 'OUT_OF_STOCK') continue;
          await this.lifecycle.apply(manager, refundBackorder(order, this.config.OUT_OF_STOCK_REFUND_AFTER_MS, { eventId: randomUUID(), at: new Date().toISOString() }));
        }
        return rows.map((r) => r.id);
      });
      refunded.push(...batch);
      if (batch.length < BATCH) break;
    }
    if (refunded.length > 0) this.logger.log({ orders: refunded.length }, 'refunded backorders that waited too long');
    return refunded;
  }
}
