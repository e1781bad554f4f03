import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the outbox holds that Kafka has not acknowledged yet. */
export interface OutboxStatus {
  /** Unsent rows, counted up to a cap so a huge backlog cannot make a scrape slow. */
  backlog: number;
  /** Age of the oldest unsent row; 0 when nothing waits. */
  oldestAgeSeconds: number;
}

/** Labels of one partition's lag: bounded by the subscribed topics and their partition counts. */
export type ConsumerLagLabel = 'group' | 'topic' | 'partition';

/** A scrape must never hang on the database: the outbox query gets this long, then the gauges read NaN (unknown). */
const OUTBOX_STATUS_TIMEOUT_MS = 2000;

/**
 * Metrics of the outbox relay and the inbox consumer, registered once per registry.
 * Names and labels are catalogued in docs/metrics.md.
 */
export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly relayErrors: Counter;
  readonly consumed: Counter<'type' | 'result'>;
  readonly handleSeconds: Histogram<'type'>;
  readonly deadLetters: Counter<'topic'>;
  readonly outboxBacklog: Gauge;
  readonly outboxOldestAge: Gauge;
  readonly consumerLag: Gauge<ConsumerLagLabel>;
  readonly lagCheckErrors: Counter<'group'>;
  private outboxSource?: () => Promise<OutboxStatus>;
  private pendingStatus?: Promise<OutboxStatus | undefined>;

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
    // Both outbox gauges are read from one query when Prometheus scrapes, so an idle service costs nothing in between.
    const readStatus = () => this.outboxStatus();
    this.outboxBacklog = new Gauge({
      name: 'cardlink_outbox_backlog_events',
      help: "Outbox rows not yet published to Kafka (the service's whole schema, so every replica reports the same value)",
      registers,
      async collect() {
        const status = await readStatus();
        this.set(status ? status.backlog : Number.NaN);
      },
    });
    this.outboxOldestAge = new Gauge({
      name: 'cardlink_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox row not yet published; 0 when the outbox is drained',
      registers,
      async collect() {
        const status = await readStatus();
        this.set(status ? status.oldestAgeSeconds : Number.NaN);
      },
    });
    this.consumerLag = new Gauge({
      name: 'cardlink_consumer_lag_messages',
      help: "Messages between a consumer group's committed offset and the partition's end, sampled periodically",
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.lagCheckErrors = new Counter({
      name: 'cardlink_consumer_lag_check_errors_total',
      help: 'Failed attempts to measure consumer lag',
      labelNames: ['group'],
      registers,
    });
  }

  /** Where the outbox gauges read from; the outbox relay registers its database here. */
  watchOutbox(source: () => Promise<OutboxStatus>): void {
    this.outboxSource = source;
  }

  /** One query per scrape for both gauges; undefined (gauges NaN) when the database does not answer in time. */
  private outboxStatus(): Promise<OutboxStatus | undefined> {
    const source = this.outboxSource;
    if (!source) return Promise.resolve(undefined);
    this.pendingStatus ??= withTimeout(source(), OUTBOX_STATUS_TIMEOUT_MS)
      .catch(() => undefined)
      .finally(() => {
        this.pendingStatus = undefined;
      });
    return this.pendingStatus;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
