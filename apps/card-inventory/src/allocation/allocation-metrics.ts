import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { METRICS_REGISTRY } from '@cardlink/observability';
import { LINE_OUTCOMES, type AllocationCounts } from './allocation-counts';

/**
 * `cardlink_allocations_total{product, outcome}` and
 * `cardlink_cards_allocated_total{product}` (docs/metrics.md), counted only
 * once the transaction that took the cards committed: a rolled-back
 * allocation never counts.
 */
@Injectable()
export class AllocationMetrics implements EntitySubscriberInterface, OnApplicationBootstrap {
  private readonly logger = new Logger(AllocationMetrics.name);
  private readonly allocations: Counter<'product' | 'outcome'>;
  private readonly cardsAllocated: Counter<'product'>;
  private readonly pending = new WeakMap<QueryRunner, AllocationCounts[]>();

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.allocations = new Counter({
      name: 'cardlink_allocations_total',
      help: 'Allocation attempts for an order line by product and outcome',
      labelNames: ['product', 'outcome'],
      registers: [registry],
    });
    this.cardsAllocated = new Counter({
      name: 'cardlink_cards_allocated_total',
      help: 'Cards taken from stock for orders, by product',
      labelNames: ['product'],
      registers: [registry],
    });
    dataSource.subscribers.push(this);
  }

  /** Series of every product with a pool start at zero, so a first out-of-stock is an increase. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const pools = await this.dataSource.query<{ product_id: string }[]>('SELECT product_id FROM card_pools');
      for (const pool of pools) this.zero(pool.product_id);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the card pools to start the allocation counters at zero');
    }
  }

  record(manager: EntityManager, counts: AllocationCounts): void {
    if (counts.lines.length === 0 && counts.cards.size === 0) return;
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      this.apply(counts);
      return;
    }
    const pending = this.pending.get(runner) ?? [];
    pending.push(counts);
    this.pending.set(runner, pending);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const pending = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    for (const counts of pending) this.apply(counts);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    this.pending.delete(event.queryRunner);
  }

  private apply(counts: AllocationCounts): void {
    for (const line of counts.lines) {
      this.zero(line.product);
      this.allocations.inc(line);
    }
    for (const [product, cards] of counts.cards) {
      this.zero(product);
      if (cards > 0) this.cardsAllocated.inc({ product }, cards);
    }
  }

  private zero(product: string): void {
    for (const outcome of LINE_OUTCOMES) this.allocations.inc({ product, outcome }, 0);
    this.cardsAllocated.inc({ product }, 0);
  }
}
