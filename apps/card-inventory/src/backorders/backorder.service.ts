import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { PeriodicTask, SERVICE_CONFIG } from '@cardlink/platform';
import type { InventoryConfig } from '../config';
import { AllocationService } from '../allocation/allocation.service';
import { BackorderQueue } from './backorder-queue';

/** At most this many waiting orders are looked at per round; the rest follow in the next. */
const ROUND_LIMIT = 5000;

/**
 * Fulfils waiting orders and waiting replacements when cards arrive, oldest
 * first: nudged after every import, and on a timer so nothing is left waiting
 * if a nudge is lost (a restart between import and nudge). Each order is tried
 * in its own short transaction.
 */
@Injectable()
export class BackorderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BackorderService.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AllocationService) private readonly allocation: AllocationService,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'nudge'>,
    @Inject(SERVICE_CONFIG) config: Pick<InventoryConfig, 'BACKORDER_INTERVAL_MS'>,
  ) {
    this.task = new PeriodicTask('backorders', config.BACKORDER_INTERVAL_MS, () => this.round().then(() => undefined), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /** New cards may be there: try the waiting orders soon. */
  nudge(): void {
    this.task.nudge();
  }

  /** One pass over everything waiting; returns how many orders and replacements were fulfilled. */
  async round(): Promise<{ orders: number; replacements: number }> {
    const fulfilled = { orders: 0, replacements: 0 };
    // Replacements first: their buyers already hold a card that turned out bad.
    const replacements = await this.dataSource.query<{ voided_card_id: string; order_id: string; line_id: string; product_id: string }[]>(
      `SELECT voided_card_id, order_id, line_id, product_id FROM card_replacements WHERE status = 'waiting' ORDER BY created_at LIMIT $1`,
      [ROUND_LIMIT],
    );
    const queue = new BackorderQueue();
    for (const r of replacements) {
      const item = { key: `${r.voided_card_id}/${r.order_id}/${r.line_id}`, productIds: [r.product_id] };
      if (!queue.mayTry(item)) continue;
      const outcome = await withTransaction(this.dataSource, (m) =>
        this.allocation.fulfilReplacement(m, { voidedCardId: r.voided_card_id, orderId: r.order_id, lineId: r.line_id }),
      );
      if (outcome?.status === 'waiting') queue.stillShort(item.productIds);
      if (outcome?.status === 'allocated') fulfilled.replacements += 1;
    }

    const orders = await this.dataSource.query<{ order_id: string; lines: { productId: string }[] }[]>(
      `SELECT order_id, lines FROM order_allocations WHERE status = 'waiting' ORDER BY created_at, order_id LIMIT $1`,
      [ROUND_LIMIT],
    );
    for (const order of orders) {
      const item = { key: order.order_id, productIds: order.lines.map((l) => l.productId) };
      if (!queue.mayTry(item)) continue;
      const outcome = await withTransaction(this.dataSource, (m) => this.allocation.fulfilWaiting(m, order.order_id));
      if (outcome?.status === 'waiting') queue.stillShort(outcome.missing.map((m) => m.productId));
      if (outcome?.status === 'allocated') {
        fulfilled.orders += 1;
        this.logger.log({ orderId: order.order_id }, 'backorder fulfilled');
      }
    }
    if (fulfilled.orders + fulfilled.replacements > 0) this.relay.nudge();
    return fulfilled;
  }
}
