import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { METRICS_REGISTRY } from '@cardlink/observability';
import type { OrderState } from './domain/order-state-machine';

/**
 * `cardlink_order_transitions_total{from, to}` and
 * `cardlink_order_paid_to_delivered_seconds` (docs/metrics.md). Counted only
 * once the transaction that stored the transition committed: a rolled-back
 * transition, or a redelivered event that changed nothing, never counts.
 */
@Injectable()
export class OrderMetrics implements EntitySubscriberInterface {
  private readonly transitions: Counter<'from' | 'to'>;
  private readonly paidToDelivered: Histogram;
  private readonly pending = new WeakMap<QueryRunner, (() => void)[]>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(DataSource) dataSource: DataSource) {
    this.transitions = new Counter({
      name: 'cardlink_order_transitions_total',
      help: 'Order state transitions, counted after they committed',
      labelNames: ['from', 'to'],
      registers: [registry],
    });
    this.paidToDelivered = new Histogram({
      name: 'cardlink_order_paid_to_delivered_seconds',
      help: 'Seconds from an order entering PAID to entering DELIVERED, from its stored history',
      buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
    dataSource.subscribers.push(this);
  }

  transition(manager: EntityManager, from: OrderState, to: OrderState): void {
    this.afterCommit(manager, () => this.transitions.inc({ from, to }));
  }

  paidToDeliveredSeconds(manager: EntityManager, seconds: number): void {
    this.afterCommit(manager, () => this.paidToDelivered.observe(Math.max(0, seconds)));
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const effects = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    for (const effect of effects) effect();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }

  private afterCommit(manager: EntityManager, effect: () => void): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      effect();
      return;
    }
    const effects = this.pending.get(runner) ?? [];
    effects.push(effect);
    this.pending.set(runner, effects);
  }
}
