import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { StockChanged, type EventData } from '@cardlink/contracts';
import { DLQ_HEADER, InboxContext, Outbox, PermanentEventError } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { freePort, serviceTestEnv } from '../testing';
import { bootstrapService, type RunningService } from './bootstrap';
import { serviceEnvSchema } from './config';
import { PlatformModule } from './platform.module';
import { UnitOfWork } from './unit-of-work';

class ProbeTable1764201700000 implements MigrationInterface {
  name = 'ProbeTable1764201700000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe_effect (event_id text PRIMARY KEY, product_id text NOT NULL, caused_by text)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe_effect');
  }
}

@Controller()
class ProbeHandlers {
  @EventPattern(StockChanged.type)
  async onStockChanged(@Payload() data: EventData<typeof StockChanged>, @Ctx() ctx: InboxContext): Promise<void> {
    if (data.productId === 'unknown-product') throw new PermanentEventError(`product ${data.productId} is not sold here`);
    await ctx.getManager().query('INSERT INTO probe_effect (event_id, product_id, caused_by) VALUES ($1, $2, $3)', [
      ctx.getEnvelope().id,
      data.productId,
      ctx.getEnvelope().correlationid,
    ]);
  }
}

async function queryAsService<T>(schema: TestSchema, sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const configSchema = serviceEnvSchema({ port: 3999, schema: 'catalog' });

@Module({
  imports: [PlatformModule.forRoot({ service: 'probe-service', configSchema, entities: [], migrations: [ProbeTable1764201700000] })],
  controllers: [ProbeHandlers],
})
class ProbeModule {}

describe('a service booted by bootstrapService against real Kafka and Postgres', () => {
  const kafka = testKafka();
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let port = 0;
  let base = '';

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    schema = await createTestSchema({ role: 'cardlink_catalog', prefix: 'platform' });
    prefix = await createTestTopics(kafka);
    Object.assign(process.env, serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `probe-${prefix}` }));
    service = await bootstrapService({ service: 'probe-service', configSchema, module: ProbeModule });
  });

  afterAll(async () => {
    await service?.shutdown();
    await schema?.drop();
    if (prefix) await deleteTestTopics(kafka, prefix);
  });

  it('is live and ready, naming each checked part', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { details: Record<string, { status: string }> };
    expect(Object.keys(body.details).sort()).toEqual(['database', 'kafka', 'service']);
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('process_cpu_user_seconds_total');
  });

  it('publishes through its outbox and handles the event with an @EventPattern handler in a transaction', async () => {
    const app = service!.app;
    const envelope = await app.get(UnitOfWork).run((manager) =>
      app.get(Outbox).add(manager, StockChanged, {
        subject: 'probe-product',
        correlationId: 'probe-flow',
        data: { productId: 'probe-product', available: 3, sequence: 1, at: new Date().toISOString() },
      }),
    );
    const deadline = Date.now() + 30_000;
    let rows: { product_id: string; caused_by: string }[] = [];
    while (Date.now() < deadline && rows.length === 0) {
      rows = await queryAsService(schema, 'SELECT product_id, caused_by FROM probe_effect WHERE event_id = $1', [envelope.id]);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ product_id: 'probe-product', caused_by: 'probe-flow' }]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/cardlink_events_consumed_total\{[^}]*result="handled"[^}]*\} 1/);
  });

  it('dead-letters an event its handler refuses as permanent at once, with the handler\'s reason', async () => {
    const app = service!.app;
    await app.get(UnitOfWork).run((manager) =>
      app.get(Outbox).add(manager, StockChanged, { subject: 'unknown-product', data: { productId: 'unknown-product', available: 1, sequence: 1, at: new Date().toISOString() } }),
    );
    const [letter] = await readTopic(kafka, `${prefix}${StockChanged.topic}.dlq`, (messages) => messages.length > 0);
    const headers = Object.fromEntries(Object.entries(letter?.message.headers ?? {}).map(([name, value]) => [name, String(value)]));
    expect(headers).toMatchObject({
      [DLQ_HEADER.error]: 'product unknown-product is not sold here',
      [DLQ_HEADER.errorName]: 'PermanentEventError',
      [DLQ_HEADER.attempts]: '1',
    });
  });

  it('stops gracefully: the consumer, the relay and then the HTTP port close', async () => {
    const stopping = service!.shutdown();
    await stopping;
    service = undefined;
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});
