import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@cardlink/observability';
import type { WebhookOutcome } from './inbound-request';

const OUTCOMES: WebhookOutcome[] = [
  'accepted',
  'duplicate',
  'ignored',
  'rejected_signature',
  'rejected_timestamp',
  'rejected_body',
  'rejected_size',
  'rejected_content_type',
];

/** `cardlink_webhooks_total{source, outcome}`: every inbound delivery, accepted or refused by reason. */
@Injectable()
export class WebhookMetrics {
  private readonly deliveries: Counter<'source' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.deliveries = new Counter({
      name: 'cardlink_webhooks_total',
      help: 'Inbound webhooks and payment callbacks by source and outcome',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    });
  }

  /** Starts a source's series at zero, so a first rejection shows up as an increase. */
  declare(source: string): void {
    for (const outcome of OUTCOMES) this.deliveries.inc({ source, outcome }, 0);
  }

  count(source: string, outcome: WebhookOutcome): void {
    this.deliveries.inc({ source, outcome });
  }
}
