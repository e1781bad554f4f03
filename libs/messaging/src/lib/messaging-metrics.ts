import { Counter, Histogram, type Registry } from 'prom-client';

/** Metrics of the outbox relay and the inbox consumer, registered once per registry. */
export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly relayErrors: Counter;
  readonly consumed: Counter<'type' | 'result'>;
  readonly handleSeconds: Histogram<'type'>;
  readonly deadLetters: Counter<'topic'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.published = new Counter({
      name: 'cardlink_outbox_published_total',
      help: 'Events the outbox relay published to Kafka',
      labelNames: ['topic'],
      registers,
    });
    this.relayErrors = new Counter({ name: 'cardlink_outbox_relay_errors_total', help: 'Failed outbox relay passes', registers });
    this.consumed = new Counter({
      name: 'cardlink_events_consumed_total',
      help: 'Events taken from Kafka by result: handled, duplicate, ignored, dead_lettered',
      labelNames: ['type', 'result'],
      registers,
    });
    this.handleSeconds = new Histogram({
      name: 'cardlink_event_handle_duration_seconds',
      help: 'Time to handle one event, transaction included',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'cardlink_dead_letters_total',
      help: 'Messages sent to a dead-letter topic',
      labelNames: ['topic'],
      registers,
    });
  }
}
