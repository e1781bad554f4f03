import type { DataSource, QueryRunner } from 'typeorm';
import type { EventProducer, OutgoingRecord } from '../kafka/event-producer';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics, OutboxStatus } from '../messaging-metrics';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  producer: EventProducer;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  /** Advisory-lock name; one relay per name publishes at a time. Defaults to the schema's name. */
  leaseName?: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /**
   * Empty polls double the wait up to this (default 1000 ms, never below
   * pollIntervalMs). In-process commits nudge the relay at once; the polls
   * only find rows another replica wrote, and an idle service need not read
   * its outbox ten times a second for that.
   */
  maxIdlePollIntervalMs?: number;
  leaseRetryMs?: number;
  /** Published rows are kept this long for inspection, then purged. */
  publishedRetentionMs?: number;
  /**
   * Empties each row's payload once Kafka has acknowledged it (the row itself
   * stays until purged): for a service whose events carry personal data it
   * keeps no other copy of, so none is left at rest after publishing.
   */
  dropPublishedPayloads?: boolean;
  /** Inbox rows are kept this long; longer than any redelivery window. */
  inboxRetentionMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
}

const HOUSEKEEPING_INTERVAL_MS = 60_000;

/** The backlog gauge counts up to this many rows: beyond it the number no longer changes what anyone does. */
export const OUTBOX_BACKLOG_COUNT_CAP = 100_000;

/**
 * Publishes the outbox to Kafka in id order. Several replicas may run: a
 * session-level advisory lock (the lease) lets one publish while the others
 * wait, so no two relays reorder one aggregate's events, and a relay that dies
 * releases the lease with its connection. No row lock is held while awaiting
 * Kafka. A crash between the Kafka ack and the update re-publishes the batch;
 * consumers deduplicate on the event id.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxIdlePollIntervalMs: number;
  private readonly leaseRetryMs: number;
  /** Passes in a row that found nothing to publish. */
  private emptyPolls = 0;
  private lease?: QueryRunner;
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  /** A nudge came since the last read of the outbox: its rows may not have been seen yet. */
  private nudged = false;
  private lastHousekeeping = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.maxIdlePollIntervalMs = Math.max(this.pollIntervalMs, options.maxIdlePollIntervalMs ?? 1000);
    this.leaseRetryMs = options.leaseRetryMs ?? 1000;
    options.metrics?.watchOutbox(() => this.status());
  }

  /**
   * Unsent rows and the age of the oldest, read through the pool (not the
   * lease) so every replica can answer a scrape. Both walk the partial index
   * of unpublished rows.
   */
  async status(): Promise<OutboxStatus> {
    const [row] = (await this.options.dataSource.query(
      `SELECT
         (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT $1) AS unsent)::int AS backlog,
         COALESCE(EXTRACT(EPOCH FROM now() - (SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1)), 0)::float8 AS age`,
      [OUTBOX_BACKLOG_COUNT_CAP],
    )) as { backlog: number; age: number }[];
    return { backlog: row?.backlog ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
  }

  get isLeader(): boolean {
    return this.lease !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Wakes the relay now, e.g. right after a transaction that wrote events committed. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops the loop, publishes what is pending (within the timeout) and releases the lease. */
  async stop(drainTimeoutMs = 5000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.nudge();
    await this.loopDone;
    const deadline = Date.now() + drainTimeoutMs;
    try {
      while (this.lease && Date.now() < deadline && (await this.publishBatch()) > 0);
    } catch (error) {
      this.options.logger.warn({ err: errorDetails(error) }, 'outbox drain on shutdown failed; the next relay publishes the rest');
    }
    await this.releaseLease();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.lease && !(await this.acquireLease())) {
          await this.idle(this.leaseRetryMs);
          continue;
        }
        // Cleared before the read: a commit nudging during the publish is seen by the next pass, not after the poll interval.
        this.nudged = false;
        const published = await this.publishBatch();
        failures = 0;
        this.emptyPolls = published === 0 ? this.emptyPolls + 1 : 0;
        await this.housekeeping();
        if (published < this.batchSize) await this.idle(this.pollDelayMs(), true);
      } catch (error) {
        failures += 1;
        this.options.metrics?.relayErrors.inc();
        this.options.logger.warn({ err: errorDetails(error), failures }, 'outbox relay pass failed; retrying');
        await this.releaseLease();
        await this.idle(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async acquireLease(): Promise<boolean> {
    const runner = this.options.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const name = this.options.leaseName ?? `cardlink.outbox.${await this.currentSchema(runner)}`;
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name])) as { locked: boolean }[];
      if (row?.locked) {
        this.lease = runner;
        this.options.logger.info({ lease: name }, 'outbox relay holds the lease and publishes');
        return true;
      }
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
    await runner.release();
    return false;
  }

  private async currentSchema(runner: QueryRunner): Promise<string> {
    const [row] = (await runner.query('SELECT current_schema() AS schema')) as { schema: string }[];
    return row?.schema ?? 'public';
  }

  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    // Releasing the connection ends the session and with it the advisory lock, even if the unlock fails.
    await lease.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await lease.release().catch(() => undefined);
  }

  /** Publishes up to one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const lease = this.lease;
    if (!lease) return 0;
    const rows = (await lease.query(
      'SELECT id, topic, message_key, headers, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1',
      [this.batchSize],
    )) as OutboxRow[];
    if (rows.length === 0) return 0;
    const records: OutgoingRecord[] = rows.map((row) => ({
      topic: row.topic,
      key: row.message_key,
      value: row.payload,
      headers: row.headers,
    }));
    await this.options.producer.send(records);
    const payload = this.options.dropPublishedPayloads ? ", payload = ''" : '';
    await lease.query(`UPDATE outbox SET published_at = now()${payload} WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
    for (const record of records) this.options.metrics?.published.inc({ topic: record.topic });
    return rows.length;
  }

  private async housekeeping(): Promise<void> {
    const lease = this.lease;
    if (!lease || Date.now() - this.lastHousekeeping < HOUSEKEEPING_INTERVAL_MS) return;
    this.lastHousekeeping = Date.now();
    const publishedMs = this.options.publishedRetentionMs ?? 3_600_000;
    const inboxMs = this.options.inboxRetentionMs ?? 30 * 86_400_000;
    await lease.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [publishedMs / 1000],
    );
    await lease.query(
      `DELETE FROM inbox WHERE ctid IN (SELECT ctid FROM inbox WHERE processed_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [inboxMs / 1000],
    );
  }

  /** The poll interval after work, doubling with every empty pass up to the idle maximum. */
  private pollDelayMs(): number {
    const doublings = Math.min(Math.max(0, this.emptyPolls - 1), 16);
    return Math.min(this.maxIdlePollIntervalMs, this.pollIntervalMs * 2 ** doublings);
  }

  /** Waits `ms` or until nudged; `afterPublish`: a nudge that came during the pass ends the wait before it begins. */
  private idle(ms: number, afterPublish = false): Promise<void> {
    if (!this.running || (afterPublish && this.nudged)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
