import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { METRICS_REGISTRY } from '@cardlink/observability';
import type { RiskDecision } from './risk-rule';

export interface DecisionSample {
  readonly decision: RiskDecision;
  /** a rule id, `score` or `none` (see decidingRule); never buyer or order data */
  readonly rule: string;
}

/**
 * `cardlink_risk_decisions_total{decision, rule}` (docs/metrics.md): one per
 * RiskAssessed published (an engine assessment, or a reviewer's or the
 * timeout's final decision), counted only once the transaction that stored it
 * committed, so a rolled-back or redelivered assessment never counts.
 */
@Injectable()
export class RiskMetrics implements EntitySubscriberInterface {
  private readonly decisions: Counter<'decision' | 'rule'>;
  private readonly pending = new WeakMap<QueryRunner, DecisionSample[]>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(DataSource) dataSource: DataSource) {
    this.decisions = new Counter({
      name: 'cardlink_risk_decisions_total',
      help: 'Risk assessments published, by decision and by the rule that decided',
      labelNames: ['decision', 'rule'],
      registers: [registry],
    });
    dataSource.subscribers.push(this);
  }

  decided(manager: EntityManager, sample: DecisionSample): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      this.count(sample);
      return;
    }
    const pending = this.pending.get(runner) ?? [];
    pending.push(sample);
    this.pending.set(runner, pending);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const pending = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    for (const sample of pending) this.count(sample);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    this.pending.delete(event.queryRunner);
  }

  private count(sample: DecisionSample): void {
    this.decisions.inc({ decision: sample.decision, rule: sample.rule });
  }
}
