import type { Admin, Kafka } from 'kafkajs';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../messaging-metrics';

export interface ConsumerLagOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  metrics: MessagingMetrics;
  logger: MessagingLogger;
  /** How often lag is sampled; two admin requests per topic each time. */
  intervalMs?: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export const DEFAULT_LAG_INTERVAL_MS = 15_000;

/**
 * Samples a consumer group's lag per partition: the partition's end offset
 * minus the group's committed offset (minus the earliest retained offset when
 * the group has committed nothing, since it reads from the beginning).
 * Lag belongs to the group, not to a replica, so every replica reports the
 * same series and dashboards take the max. Only the group's own topics are
 * measured, which keeps the label set bounded.
 */
export class ConsumerLagMonitor {
  private readonly intervalMs: number;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  private failing = false;

  constructor(private readonly options: ConsumerLagOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_LAG_INTERVAL_MS;
  }

  start(): void {
    if (this.timer) return;
    // The series exists from the start at 0, so rate() and the dashboards see the first error too.
    this.options.metrics.lagCheckErrors.inc({ group: this.options.groupId }, 0);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  /** Measures every partition of the group's topics once and updates the gauge. */
  async sample(): Promise<PartitionLag[]> {
    const admin = await this.connectedAdmin();
    const { groupId, topics, metrics } = this.options;
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const lags: PartitionLag[] = [];
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const from = BigInt(offset) < 0n ? BigInt(end.low) : BigInt(offset);
        const lag = Number(BigInt(end.high) > from ? BigInt(end.high) - from : 0n);
        lags.push({ topic, partition: end.partition, lag });
        metrics.consumerLag.set({ group: groupId, topic, partition: String(end.partition) }, lag);
      }
    }
    return lags;
  }

  private tick(): void {
    if (this.sampling) return;
    this.sampling = this.sample()
      .then(() => {
        this.failing = false;
      })
      .catch((error: unknown) => {
        this.options.metrics.lagCheckErrors.inc({ group: this.options.groupId });
        // One warning per outage, not one per interval.
        if (!this.failing) this.options.logger.warn({ err: errorDetails(error), groupId: this.options.groupId }, 'measuring consumer lag failed');
        this.failing = true;
      })
      .finally(() => {
        this.sampling = undefined;
      });
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.options.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }
}
