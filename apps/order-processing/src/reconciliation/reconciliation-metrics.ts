import { Inject, Injectable } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRICS_REGISTRY, scrapeGauge } from '@cardlink/observability';
import { FINDING_KINDS } from './domain/compare';

/**
 * `cardlink_reconciliation_findings{kind}`: open findings (not resolved by a
 * later pass), one per kind and shop order across all runs, read from the
 * table at scrape time, so every replica reports the same number and a
 * restart loses nothing. Every kind is present (0 when none) once the table
 * could be read; when it cannot, the series are absent rather than 0.
 */
@Injectable()
export class ReconciliationMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(DataSource) dataSource: DataSource) {
    scrapeGauge(registry, {
      name: 'cardlink_reconciliation_findings',
      help: 'Open reconciliation findings by kind (differences between the shop, the payment provider and cardlink not resolved by a later pass)',
      labelNames: ['kind'],
      read: async () => {
        const rows = (await dataSource.query(
          `SELECT kind, count(DISTINCT shop_order_id)::int AS n FROM reconciliation_findings WHERE resolved_at IS NULL GROUP BY kind`,
        )) as { kind: string; n: number }[];
        return FINDING_KINDS.map((kind) => ({ labels: { kind }, value: rows.find((r) => r.kind === kind)?.n ?? 0 }));
      },
    });
  }
}
