import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { createEnvelope, deadLetterTopic, StockChanged, TOPICS } from '@cardlink/contracts';
import { createServiceDataSource, createTestSchema, runMigrations, withTransaction, type TestSchema } from '@cardlink/persistence';
import { createTestTopics, deleteTestTopics, testKafka } from '../testing/kafka-testing';
import { ConsumerLagMonitor } from './inbox/consumer-lag';
import { InboxConsumer } from './inbox/inbox-consumer';
import { encodeEvent } from './kafka/event-codec';
import { EventProducer } from './kafka/event-producer';
import { silentLogger } from './logger';
import { MessagingMetrics } from './messaging-metrics';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from './messaging-tables';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';

function stockEvent(productId: string, sequence: number) {
  return createEnvelope(StockChanged, {
    source: 'messaging-metrics-test',
    subject: productId,
    data: { productId, available: sequence, sequence, at: new Date().toISOString() },
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

/** The value of one series as Prometheus would scrape it, or undefined when the series is absent. */
async function scraped(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value;
}

// Consumer groups join slowly on a busy machine: each test may take up to two minutes.
jest.setTimeout(120_000);

describe('messaging metrics against real Kafka and Postgres', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let kafka: Kafka;
  let prefix: string;
  let producer: EventProducer;
  const stockTopic = () => `${prefix}${TOPICS.stock}`;

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'msgmetrics' });
    dataSource = createServiceDataSource({ url: schema.url, schema: schema.schema, entities: MESSAGING_ENTITIES, migrations: MESSAGING_MIGRATIONS, poolSize: 4 });
    await runMigrations(dataSource);
    kafka = testKafka();
    prefix = await createTestTopics(kafka);
    producer = new EventProducer(kafka);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await dataSource?.destroy();
    await schema?.drop();
    if (prefix) await deleteTestTopics(kafka, prefix);
  });

  it('reports the outbox backlog and the age of its oldest unsent row on scrape, and zero once the relay drained it', async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    const relay = new OutboxRelay({ dataSource, producer, logger: silentLogger, metrics, pollIntervalMs: 20 });
    const outbox = new Outbox('messaging-metrics-test', prefix);

    expect(await registry.metrics()).toContain('cardlink_outbox_backlog_events 0');
    await withTransaction(dataSource, async (manager) => {
      for (let i = 1; i <= 3; i++) await outbox.add(manager, StockChanged, { subject: 'backlog-product', data: stockEvent('backlog-product', i).data });
    });
    await new Promise((r) => setTimeout(r, 1100));

    expect(await scraped(registry, 'cardlink_outbox_backlog_events')).toBe(3);
    expect(await scraped(registry, 'cardlink_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(1);

    relay.start();
    try {
      await until(async () => (await scraped(registry, 'cardlink_outbox_backlog_events')) === 0);
      expect(await scraped(registry, 'cardlink_outbox_oldest_unsent_age_seconds')).toBe(0);
      expect(await scraped(registry, 'cardlink_outbox_published_total', { topic: stockTopic() })).toBe(3);
    } finally {
      await relay.stop();
    }
  });

  it('reports the outbox gauges as NaN (unknown) rather than failing the scrape when the database is unreachable', async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    metrics.watchOutbox(() => Promise.reject(new Error('connection refused')));
    const text = await registry.metrics();
    expect(text).toContain('# TYPE cardlink_outbox_backlog_events gauge');
    expect(text).toMatch(/^cardlink_outbox_backlog_events nan$/im);
    expect(text).toMatch(/^cardlink_outbox_oldest_unsent_age_seconds nan$/im);
  });

  it("measures a group's lag per partition: everything before it consumes, nothing once it caught up", async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    const groupId = `lag-test-${Date.now()}`;
    const monitor = new ConsumerLagMonitor({ kafka, groupId, topics: [stockTopic()], metrics, logger: silentLogger, intervalMs: 60_000 });
    const total = (lags: { lag: number }[]) => lags.reduce((sum, p) => sum + p.lag, 0);
    let waiting: number;
    try {
      const earlier = total(await monitor.sample());
      const events = Array.from({ length: 6 }, (_, i) => stockEvent(`lag-product-${i}`, i + 1));
      await producer.send(events.map((e) => ({ topic: stockTopic(), ...encodeEvent(e) })));
      const before = await monitor.sample();
      expect(before.map((p) => p.partition).sort()).toEqual([0, 1]);
      waiting = total(before);
      expect(waiting).toBe(earlier + 6);
      const partition0 = before.find((p) => p.partition === 0)?.lag;
      expect(await scraped(registry, 'cardlink_consumer_lag_messages', { group: groupId, topic: stockTopic(), partition: '0' })).toBe(partition0);
    } finally {
      await monitor.stop();
    }

    let handled = 0;
    const consumer = new InboxConsumer({
      kafka,
      groupId,
      dataSource,
      producer,
      handlers: new Map([[StockChanged.type, async () => void (handled += 1)]]),
      logger: silentLogger,
      metrics,
      topicPrefix: prefix,
      lagIntervalMs: 200,
    });
    await consumer.start();
    try {
      await until(async () => {
        const lags = await Promise.all(['0', '1'].map((partition) => scraped(registry, 'cardlink_consumer_lag_messages', { group: groupId, topic: stockTopic(), partition })));
        return lags.every((lag) => lag === 0);
      });
      expect(handled).toBe(waiting);
    } finally {
      await consumer.stop();
    }
  });

  it('counts dead letters by dead-letter topic', async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry);
    const consumer = new InboxConsumer({
      kafka,
      groupId: `dlq-metrics-${Date.now()}`,
      dataSource,
      producer,
      handlers: new Map([[StockChanged.type, async () => undefined]]),
      logger: silentLogger,
      metrics,
      topicPrefix: prefix,
      lagIntervalMs: 0,
    });
    const broken = encodeEvent(stockEvent('dlq-metric-product', 1));
    broken.value = JSON.stringify({ productId: 'dlq-metric-product', available: -5 });
    await consumer.start();
    try {
      await producer.send([{ topic: stockTopic(), ...broken }]);
      await until(async () => (await scraped(registry, 'cardlink_dead_letters_total', { topic: deadLetterTopic(stockTopic()) })) === 1);
      expect(await scraped(registry, 'cardlink_consumer_lag_messages')).toBeUndefined();
    } finally {
      await consumer.stop();
    }
  });
});
