import { Module } from '@nestjs/common';
import { Outbox } from '@cardlink/messaging';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { DryRunController } from './assessment/dry-run.controller';
import { OrderPaidConsumer } from './assessment/order-paid.consumer';
import { RiskAssessor } from './assessment/risk-assessor';
import { RiskCounters } from './assessment/risk-counters';
import { RiskMetrics } from './assessment/risk-metrics';
import type { RiskConfig } from './config';
import { ListStore } from './lists/list-store';
import { ListsController } from './lists/lists.controller';
import { housekeepingSettings, ReviewHousekeeping } from './reviews/review-housekeeping';
import { ReviewQueue } from './reviews/review-queue';
import { ReviewsController } from './reviews/reviews.controller';
import { RuleSetStore } from './rule-sets/rule-set-store';
import { RuleSetsController } from './rule-sets/rule-sets.controller';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '@cardlink/platform';

/** Assessment of paid orders, the review queue and the admin API. */
@Module({
  controllers: [OrderPaidConsumer, ReviewsController, RuleSetsController, ListsController, DryRunController],
  providers: [
    RiskMetrics,
    { provide: RiskCounters, inject: [SERVICE_CONFIG], useFactory: (config: RiskConfig) => new RiskCounters(config.RISK_COUNTER_KEY) },
    { provide: RuleSetStore, inject: [SERVICE_CONFIG], useFactory: (config: RiskConfig) => new RuleSetStore(config.RISK_RULE_SET_REFRESH_MS) },
    { provide: ListStore, useFactory: () => new ListStore() },
    {
      provide: ReviewQueue,
      inject: [Outbox, SERVICE_CONFIG, RiskMetrics],
      useFactory: (outbox: Outbox, config: RiskConfig, metrics: RiskMetrics) => new ReviewQueue(outbox, config.RISK_REVIEW_TIMEOUT_MS, metrics),
    },
    {
      provide: RiskAssessor,
      inject: [RiskCounters, RuleSetStore, ListStore, ReviewQueue, Outbox, RiskMetrics],
      useFactory: (counters: RiskCounters, ruleSets: RuleSetStore, lists: ListStore, reviews: ReviewQueue, outbox: Outbox, metrics: RiskMetrics) =>
        new RiskAssessor({ counters, ruleSets, lists, reviews, outbox, metrics }),
    },
    {
      provide: ReviewHousekeeping,
      inject: [ReviewQueue, UnitOfWork, DataSource, SERVICE_CONFIG],
      useFactory: (reviews: ReviewQueue, unitOfWork: UnitOfWork, dataSource: DataSource, config: RiskConfig) =>
        new ReviewHousekeeping(reviews, unitOfWork, dataSource, housekeepingSettings(config)),
    },
  ],
})
export class RiskModule {}
