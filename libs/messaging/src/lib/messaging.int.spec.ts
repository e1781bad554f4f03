import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createEnvelope, deadLetterTopic, StockChanged, TOPICS } from '@cardlink/contracts';
import { createServiceDataSource, createTestSchema, runMigrations, withTransaction, type TestSchema } from '@cardlink/persistence';
import { createTestTopics, deleteTestTopics, readTopic, testKafka } from '../testing/kafka-testing';
import { DLQ_HEADER } from './inbox/dead-letter';
import { InboxConsumer, type EventHandler } from './inbox/inbox-consumer';
import { encodeEvent, headersToStrings } from './kafka/event-codec';
import { EventProducer } from './kafka/event-producer';
import { silentLogger } from './logger';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from './messaging-tables';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

function stockEvent(productId: string, sequence: number) {
  return createEnvelope(StockChanged, {
    source: 'messaging-test',
    subject: productId,
    data: { productId, available: sequence, sequence, at: new Date().toISOString() },
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('messaging against real Kafka and Postgres', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let kafka: Kafka;
  let prefix: string;
  let producer: EventProducer;
  const stockTopic = () => `${prefix}${TOPICS.stock}`;

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_orders', prefix: 'messaging' });
    dataSource = createServiceDataSource({
      url: schema.url,
      schema: schema.schema,
      entities: MESSAGING_ENTITIES,
      migrations: MESSAGING_MIGRATIONS,
      poolSize: 8,
    });
    await runMigrations(dataSource);
    await dataSource.query('CREATE TABLE effect (id serial PRIMARY KEY, event_id text NOT NULL, product_id text NOT NULL)');
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

  it('publishes an event committed to the outbox even when the writer is SIGKILLed right after the commit', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/messaging/src/testing/crash-writer.fixture.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', TEST_DB_URL: schema.url, TEST_DB_SCHEMA: schema.schema, TEST_TOPIC_PREFIX: prefix, TEST_EVENTS: '40' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const committed = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /COMMITTED (\[.*\])/.exec(out);
        if (match?.[1]) {
          child.kill('SIGKILL');
          resolve(JSON.parse(match[1]) as string[]);
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited (${code}) before committing`)));
    });
    await new Promise((r) => child.once('exit', r));
    expect(committed).toHaveLength(40);

    const relay = new OutboxRelay({ dataSource, producer, logger: silentLogger, pollIntervalMs: 20 });
    relay.start();
    try {
      const wanted = new Set(committed);
      const read = await readTopic(kafka, stockTopic(), (messages) => {
        const seen = new Set(messages.map((m) => headersToStrings(m.message.headers)['ce_id']));
        return [...wanted].every((id) => seen.has(id));
      });
      const seen = new Set(read.map((m) => headersToStrings(m.message.headers)['ce_id']));
      expect([...wanted].filter((id) => !seen.has(id))).toEqual([]);
      const [{ pending }] = (await dataSource.query('SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL')) as { pending: number }[];
      expect(pending).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('two relays at once publish every outbox row, none lost, each aggregate in order, even when the leader loses its connection', async () => {
    const relays = [1, 2].map(() => new OutboxRelay({ dataSource, producer, logger: silentLogger, pollIntervalMs: 10, leaseRetryMs: 100, batchSize: 50 }));
    relays.forEach((r) => r.start());
    const outbox = new Outbox('relay-test', prefix);
    const products = Array.from({ length: 20 }, (_, i) => `relay-product-${i}`);
    const expected = new Set<string>();
    try {
      for (let sequence = 0; sequence < 25; sequence += 1) {
        await Promise.all(
          products.map((productId) =>
            withTransaction(dataSource, async (manager) => {
              const envelope = await outbox.add(manager, StockChanged, {
                subject: productId,
                data: { productId, available: sequence, sequence, at: new Date().toISOString() },
              });
              expected.add(envelope.id);
            }),
          ),
        );
        if (sequence === 10) {
          // The leader's database session dies: its lease goes with it and the standby takes over. Only this
          // schema's lease is touched: other runs' relays share the database under other roles.
          const terminated = (await dataSource.query(
            `SELECT pg_terminate_backend(pid) AS terminated FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 1
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND objid = (hashtext('cardlink.outbox.' || current_schema())::bigint & 4294967295)::oid`,
          )) as { terminated: boolean }[];
          expect(terminated).toEqual([{ terminated: true }]);
        }
      }
      const read = await readTopic(kafka, stockTopic(), (messages) => {
        const seen = new Set(messages.map((m) => headersToStrings(m.message.headers)['ce_id']));
        return [...expected].every((id) => seen.has(id));
      }, 60_000);
      const ours = read.filter((m) => expected.has(headersToStrings(m.message.headers)['ce_id'] ?? ''));
      expect(new Set(ours.map((m) => headersToStrings(m.message.headers)['ce_id'])).size).toBe(expected.size);
      for (const productId of products) {
        const sequences = ours
          .filter((m) => m.message.key?.toString() === productId)
          .map((m) => (JSON.parse(m.message.value?.toString() ?? '{}') as { sequence: number }).sequence);
        // Redelivery after a failover may repeat a tail, never reorder: first sightings ascend.
        const firstSeen = sequences.filter((s, i) => sequences.indexOf(s) === i);
        expect(firstSeen).toEqual(Array.from({ length: 25 }, (_, i) => i));
      }
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  describe('inbox consumer', () => {
    let consumer: InboxConsumer | undefined;
    const effects = async (productId: string) =>
      ((await dataSource.query('SELECT event_id FROM effect WHERE product_id = $1', [productId])) as { event_id: string }[]).map((r) => r.event_id);

    async function startConsumer(handler: EventHandler): Promise<InboxConsumer> {
      const instance = new InboxConsumer({
        kafka,
        groupId: `inbox-test-${Date.now()}`,
        dataSource,
        producer,
        handlers: new Map([[StockChanged.type, handler]]),
        logger: silentLogger,
        topicPrefix: prefix,
        retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
      });
      await instance.start();
      return instance;
    }

    afterEach(async () => {
      await consumer?.stop();
      consumer = undefined;
    });

    it('changes state once when the same message is delivered twice', async () => {
      consumer = await startConsumer(async (envelope, { manager }) => {
        const data = envelope.data as { productId: string };
        await manager.query('INSERT INTO effect (event_id, product_id) VALUES ($1, $2)', [envelope.id, data.productId]);
      });
      const event = stockEvent('dup-product', 1);
      const marker = stockEvent('dup-product', 2);
      const encoded = encodeEvent(event);
      await producer.send([{ topic: stockTopic(), ...encoded }]);
      await producer.send([{ topic: stockTopic(), ...encoded }]);
      await producer.send([{ topic: stockTopic(), ...encodeEvent(marker) }]);
      await until(async () => (await effects('dup-product')).includes(marker.id));
      expect(await effects('dup-product')).toEqual([event.id, marker.id]);
      const inbox = (await dataSource.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [event.id])) as { n: number }[];
      expect(inbox[0]?.n).toBe(1);
    });

    it('dead-letters a message whose handler always throws, with its error, and still processes the next one on the partition', async () => {
      consumer = await startConsumer(async (envelope, { manager }) => {
        const data = envelope.data as { productId: string; sequence: number };
        if (data.sequence === 666) throw new Error('poison: cannot handle sequence 666');
        await manager.query('INSERT INTO effect (event_id, product_id) VALUES ($1, $2)', [envelope.id, data.productId]);
      });
      const poison = stockEvent('poison-product', 666);
      const next = stockEvent('poison-product', 667);
      await producer.send([{ topic: stockTopic(), ...encodeEvent(poison) }, { topic: stockTopic(), ...encodeEvent(next) }]);
      await until(async () => (await effects('poison-product')).includes(next.id));
      expect(await effects('poison-product')).toEqual([next.id]);

      const dead = await readTopic(kafka, deadLetterTopic(stockTopic()), (messages) =>
        messages.some((m) => headersToStrings(m.message.headers)['ce_id'] === poison.id),
      );
      const letter = dead.find((m) => headersToStrings(m.message.headers)['ce_id'] === poison.id);
      expect(letter).toBeDefined();
      const headers = headersToStrings(letter?.message.headers);
      expect(headers[DLQ_HEADER.error]).toBe('poison: cannot handle sequence 666');
      expect(headers[DLQ_HEADER.topic]).toBe(stockTopic());
      expect(headers[DLQ_HEADER.attempts]).toBe('3');
      expect(headers['ce_type']).toBe(StockChanged.type);
      expect(JSON.parse(letter?.message.value?.toString() ?? '{}')).toMatchObject({ productId: 'poison-product', sequence: 666 });
    });

    it('runs after-commit effects once the handler\'s writes are visible to other connections, and drops those of an attempt that rolled back', async () => {
      const seen: { sequence: number; visible: boolean }[] = [];
      let failFirst = true;
      consumer = await startConsumer(async (envelope, { manager, afterCommit }) => {
        const data = envelope.data as { productId: string; sequence: number };
        if (data.productId !== 'after-commit-product') return;
        await manager.query('INSERT INTO effect (event_id, product_id) VALUES ($1, $2)', [envelope.id, data.productId]);
        afterCommit(() => {
          // Read through another pooled connection, as a worker woken by the effect would.
          void effects('after-commit-product').then((ids) => seen.push({ sequence: data.sequence, visible: ids.includes(envelope.id) }));
        });
        if (failFirst) {
          failFirst = false;
          throw new Error('first attempt fails after registering its effect');
        }
      });
      const event = stockEvent('after-commit-product', 1);
      await producer.send([{ topic: stockTopic(), ...encodeEvent(event) }]);
      await until(async () => seen.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([{ sequence: 1, visible: true }]);
    });

    it('dead-letters a message that breaks its contract without retrying it', async () => {
      let calls = 0;
      consumer = await startConsumer(async (envelope, { manager }) => {
        const data = envelope.data as { productId: string };
        if (data.productId !== 'contract-product') return;
        calls += 1;
        await manager.query('INSERT INTO effect (event_id, product_id) VALUES ($1, $2)', [envelope.id, data.productId]);
      });
      const broken = encodeEvent(stockEvent('contract-product', 1));
      broken.value = JSON.stringify({ productId: 'contract-product', available: -5 });
      const good = stockEvent('contract-product', 2);
      await producer.send([{ topic: stockTopic(), ...broken }, { topic: stockTopic(), ...encodeEvent(good) }]);
      await until(async () => (await effects('contract-product')).includes(good.id));
      expect(calls).toBe(1);
    });
  });
});
