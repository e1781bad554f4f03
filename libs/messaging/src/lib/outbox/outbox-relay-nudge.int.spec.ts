import type { DataSource } from 'typeorm';
import { createEnvelope, StockChanged } from '@cardlink/contracts';
import { createServiceDataSource, createTestSchema, runMigrations, withTransaction, type TestSchema } from '@cardlink/persistence';
import type { EventProducer, OutgoingRecord } from '../kafka/event-producer';
import { silentLogger } from '../logger';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '../messaging-tables';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

/** Stands in for Kafka: each send takes `delayMs`, and every record sent is kept. */
class SlowProducer {
  readonly sent: OutgoingRecord[] = [];
  onSend?: () => Promise<void>;

  constructor(private readonly delayMs: number) {}

  async send(records: OutgoingRecord[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.onSend?.();
    this.sent.push(...records);
  }
}

describe('the outbox relay: nudges and idle polling', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  const outbox = new Outbox('relay-test');

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'relaynudge' });
    dataSource = createServiceDataSource({ url: schema.url, schema: schema.schema, entities: MESSAGING_ENTITIES, migrations: MESSAGING_MIGRATIONS, poolSize: 4 });
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await schema?.drop();
  });

  const write = (sequence: number) =>
    withTransaction(dataSource, (manager) =>
      outbox.add(manager, StockChanged, { subject: 'p1', data: { productId: 'p1', available: sequence, sequence, at: new Date().toISOString() } }),
    );

  it('publishes an event committed during a publish right after it, not after the poll interval', async () => {
    const producer = new SlowProducer(200);
    // A poll interval far longer than the test: only the nudge can make the second event leave in time.
    const relay = new OutboxRelay({ dataSource, producer: producer as unknown as EventProducer, logger: silentLogger, pollIntervalMs: 60_000, leaseName: `relay-nudge-${schema.schema}` });
    let second: ReturnType<typeof createEnvelope> | undefined;
    producer.onSend = async () => {
      if (second) return;
      // Committed while the first batch is with "Kafka": the relay's read already happened.
      second = await write(2);
      relay.nudge();
    };
    relay.start();
    try {
      await write(1);
      relay.nudge();
      const deadline = Date.now() + 5_000;
      while (producer.sent.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(producer.sent.map((r) => r.headers['ce_id'])).toEqual([expect.any(String), second?.id]);
    } finally {
      await relay.stop(1_000);
    }
  }, 30_000);

  it('polls an idle outbox less and less often, and still publishes a row written elsewhere (no nudge) within the idle maximum', async () => {
    const producer = new SlowProducer(0);
    let polls = 0;
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    const spy = jest.spyOn(dataSource, 'createQueryRunner').mockImplementation((mode) => {
      const runner = createQueryRunner(mode);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, parameters?: unknown[]) => {
        if (sql.startsWith('SELECT id, topic, message_key')) polls += 1;
        return query(sql, parameters);
      }) as typeof runner.query;
      return runner;
    });
    const relay = new OutboxRelay({ dataSource, producer: producer as unknown as EventProducer, logger: silentLogger, pollIntervalMs: 50, maxIdlePollIntervalMs: 400, leaseName: `relay-idle-${schema.schema}` });
    relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      // At a fixed 50 ms this would be about 60 polls; doubling to 400 ms makes it about 10.
      expect(polls).toBeLessThan(20);
      const before = producer.sent.length;
      const elsewhere = await write(3);
      const writtenAt = Date.now();
      while (producer.sent.length === before && Date.now() - writtenAt < 3_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(producer.sent.at(-1)?.headers['ce_id']).toBe(elsewhere.id);
      expect(Date.now() - writtenAt).toBeLessThan(1_000);
    } finally {
      spy.mockRestore();
      await relay.stop(1_000);
    }
  }, 30_000);
});
