import { Inject, Injectable } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRICS_REGISTRY, scrapeGauge } from '@cardlink/observability';
import { withTransaction } from '@cardlink/persistence';
import { queryRows } from '../rows';

/** A scrape gives up after this long (scrapeGauge's default), and so does the query it started. */
const READ_TIMEOUT_MS = 2000;

/**
 * `cardlink_cards_available{product}` (docs/metrics.md): unallocated,
 * unvoided, unexpired cards per product, counted in the database when
 * Prometheus scrapes, so every replica reports the same true value. Every
 * product with a pool has a series, an empty one at 0, so a low-stock alert
 * sees a product that ran out.
 */
@Injectable()
export class StockMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(DataSource) dataSource: DataSource) {
    scrapeGauge(registry, {
      name: 'cardlink_cards_available',
      help: 'Unallocated, unvoided cards in stock by product, read from the database on scrape',
      labelNames: ['product'],
      timeoutMs: READ_TIMEOUT_MS,
      read: async () => {
        const rows = await withTransaction(dataSource, async (manager) => {
          await manager.query(`SET LOCAL statement_timeout = ${READ_TIMEOUT_MS}`);
          return queryRows<{ product_id: string; available: number }>(
            manager,
            `SELECT p.product_id, count(c.id)::int AS available
             FROM card_pools p
             LEFT JOIN cards c ON c.product_id = p.product_id AND c.status = 'available' AND (c.expires_at IS NULL OR c.expires_at > now())
             GROUP BY p.product_id`,
          );
        });
        return rows.map((r) => ({ labels: { product: r.product_id }, value: r.available }));
      },
    });
  }
}
