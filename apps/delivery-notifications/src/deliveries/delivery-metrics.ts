import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { DeliveryChannel } from '@cardlink/contracts';
import { METRICS_REGISTRY } from '@cardlink/observability';

export type AttemptOutcome = 'succeeded' | 'transient' | 'permanent' | 'withheld';
export type DeliveryOutcome = 'delivered' | 'failed';

const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ['succeeded', 'transient', 'permanent', 'withheld'];
const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'failed'];

/**
 * `cardlink_delivery_attempts_total{channel, outcome}` and
 * `cardlink_deliveries_total{channel, outcome}` (docs/metrics.md). The
 * dispatcher counts only after the transaction recording the attempt
 * committed, so a rolled-back outcome never counts. Every series starts at
 * zero: the first failure of a channel is an increase rate() sees.
 */
@Injectable()
export class DeliveryMetrics {
  private readonly attempts: Counter<'channel' | 'outcome'>;
  private readonly deliveries: Counter<'channel' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.attempts = new Counter({
      name: 'cardlink_delivery_attempts_total',
      help: 'Delivery attempts per channel and outcome (succeeded, transient, permanent, withheld).',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: 'cardlink_deliveries_total',
      help: 'Deliveries that reached a final outcome (delivered, failed), by channel.',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    for (const channel of DeliveryChannel.options) {
      for (const outcome of ATTEMPT_OUTCOMES) this.attempts.inc({ channel, outcome }, 0);
      for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ channel, outcome }, 0);
    }
  }

  attempted(channel: DeliveryChannel, outcome: AttemptOutcome): void {
    this.attempts.inc({ channel, outcome });
  }

  /** A delivery reached its final state: sent, or given up (retries exhausted, a permanent error, withheld as too old). */
  finished(channel: DeliveryChannel, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ channel, outcome });
  }
}
