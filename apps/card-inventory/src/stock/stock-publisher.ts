import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { StockChanged, StockLow } from '@cardlink/contracts';
import { Outbox, OutboxRelay } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { PeriodicTask, SERVICE_CONFIG } from '@cardlink/platform';
import type { InventoryConfig } from '../config';
import { queryRows } from '../rows';
import { decideStock, type PublishedStock } from './stock-level';

type StockConfig = Pick<InventoryConfig, 'STOCK_PUBLISH_INTERVAL_MS' | 'REUSABLE_UNCAPPED_STOCK'>;

/**
 * Publishes StockChanged (and StockLow) for the products marked since the last
 * round, one event per product however many changes there were. It runs
 * outside the transactions that change stock, which only insert a mark, so a
 * hot product's allocations never queue on a shared counter row.
 */
@Injectable()
export class StockPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StockPublisher.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'nudge'>,
    @Inject(SERVICE_CONFIG) private readonly config: StockConfig,
  ) {
    this.task = new PeriodicTask('stock-publisher', config.STOCK_PUBLISH_INTERVAL_MS, () => this.round().then(() => undefined), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /**
   * One round: returns the products whose stock was published. The round runs
   * in one snapshot (REPEATABLE READ), so the marks it consumes are exactly
   * those of the allocations its counts include: an allocation committed
   * later leaves its mark for the next round. That is what makes
   * countedOrderIds exact.
   */
  async round(): Promise<string[]> {
    const published = await withTransaction(
      this.dataSource,
      async (manager) => {
        // One publisher at a time across replicas; the others find the lock taken and skip the round.
        const [lock] = await queryRows<{ locked: boolean }>(manager, `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.stock-publisher')) AS locked`);
        if (!lock.locked) return [];
        const marked = await queryRows<{ product_id: string; order_id: string | null }>(manager, 'DELETE FROM stock_marks RETURNING product_id, order_id');
        const ordersByProduct = new Map<string, Set<string>>();
        for (const mark of marked) {
          const orders = ordersByProduct.get(mark.product_id) ?? new Set<string>();
          if (mark.order_id !== null) orders.add(mark.order_id);
          ordersByProduct.set(mark.product_id, orders);
        }
        const changed: string[] = [];
        for (const productId of [...ordersByProduct.keys()].sort()) {
          if (await this.publish(manager, productId, [...(ordersByProduct.get(productId) ?? [])].sort())) changed.push(productId);
        }
        return changed;
      },
      { isolation: 'REPEATABLE READ' },
    );
    if (published.length > 0) this.relay.nudge();
    return published;
  }

  /** Cards a product can still sell: unexpired available cards, or remaining sales of a reusable pool. */
  async available(manager: EntityManager, productId: string): Promise<{ available: number; threshold: number }> {
    const [row] = await queryRows<{ available: number; threshold: number }>(
      manager,
      `SELECT
         CASE
           WHEN p.mode = 'unique' THEN count(c.id)
           WHEN p.reusable_cap IS NULL THEN CASE WHEN count(c.id) > 0 THEN $2::int ELSE 0 END
           ELSE COALESCE(sum(p.reusable_cap - c.sold_count), 0)
         END::int AS available,
         p.low_stock_threshold AS threshold
       FROM card_pools p
       LEFT JOIN cards c ON c.product_id = p.product_id AND c.status = 'available' AND (c.expires_at IS NULL OR c.expires_at > now())
       WHERE p.product_id = $1
       GROUP BY p.product_id, p.mode, p.reusable_cap, p.low_stock_threshold`,
      [productId, this.config.REUSABLE_UNCAPPED_STOCK],
    );
    return row ?? { available: 0, threshold: 0 };
  }

  private async publish(manager: EntityManager, productId: string, countedOrderIds: string[]): Promise<boolean> {
    const { available, threshold } = await this.available(manager, productId);
    const [previous] = await queryRows<PublishedStock>(manager, 'SELECT available, sequence, low FROM stock_states WHERE product_id = $1', [productId]);
    const decision = decideStock(previous, available, threshold, countedOrderIds.length > 0);
    const at = new Date().toISOString();
    if (decision.changed) {
      await this.outbox.add(manager, StockChanged, {
        subject: productId,
        data: { productId, ...decision.changed, at, ...(countedOrderIds.length > 0 ? { countedOrderIds } : {}) },
      });
    }
    if (decision.low) {
      await this.outbox.add(manager, StockLow, { subject: productId, data: { productId, ...decision.low, at } });
    }
    await manager.query(
      `INSERT INTO stock_states (product_id, available, sequence, low, published_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, sequence = EXCLUDED.sequence, low = EXCLUDED.low, published_at = now()`,
      [productId, decision.next.available, decision.next.sequence, decision.next.low],
    );
    return decision.changed !== undefined || decision.low !== undefined;
  }
}
