import type { DataSource } from 'typeorm';
import { ShopOrderCreated } from '@cardlink/contracts';
import { createServiceDataSource, createTestSchema, runMigrations, withTransaction, type TestSchema } from '@cardlink/persistence';
import type { EventProducer, OutgoingRecord } from '../kafka/event-producer';
import { silentLogger } from '../logger';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from '../messaging-tables';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

/** Stands in for Kafka: keeps every record it is given. */
class RecordingProducer {
  readonly sent: OutgoingRecord[] = [];

  async send(records: OutgoingRecord[]): Promise<void> {
    this.sent.push(...records);
  }
}

describe('the outbox relay: published payloads', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  const outbox = new Outbox('relay-test');

  beforeAll(async () => {
    schema = await createTestSchema({ role: 'cardlink_gateway', prefix: 'relaypayload' });
    dataSource = createServiceDataSource({ url: schema.url, schema: schema.schema, entities: MESSAGING_ENTITIES, migrations: MESSAGING_MIGRATIONS, poolSize: 4 });
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await schema?.drop();
  });

  async function publishOneOrder(dropPublishedPayloads: boolean, email: string) {
    const producer = new RecordingProducer();
    const relay = new OutboxRelay({ dataSource, producer: producer as unknown as EventProducer, logger: silentLogger, pollIntervalMs: 20, dropPublishedPayloads, leaseName: `relay-payload-${schema.schema}` });
    const event = await withTransaction(dataSource, (manager) =>
      outbox.add(manager, ShopOrderCreated, {
        subject: `SO-${email}`,
        data: {
          order: {
            shopOrderId: `SO-${email}`,
            buyer: { buyerId: `buyer-${email}`, email },
            lines: [{ lineId: 'line-1', productId: 'p1', shopListingId: 'L1', quantity: 1, unitPrice: 100 }],
            totalAmount: 100,
            currency: 'CNY',
            createdAt: new Date().toISOString(),
          },
        },
      }),
    );
    relay.start();
    try {
      const deadline = Date.now() + 5_000;
      while (!producer.sent.some((r) => r.headers['ce_id'] === event.id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await relay.stop(1_000);
    }
    const [row] = (await dataSource.query(`SELECT payload, published_at FROM outbox WHERE message_key = $1`, [`SO-${email}`])) as { payload: string; published_at: Date | null }[];
    return { sent: producer.sent.find((r) => r.headers['ce_id'] === event.id), row };
  }

  it('sends the whole event and then empties the stored payload when told to drop published payloads', async () => {
    const { sent, row } = await publishOneOrder(true, 'li.wei@example.com');
    expect(sent?.value).toContain('li.wei@example.com');
    expect(row?.published_at).toBeInstanceOf(Date);
    expect(row?.payload).toBe('');
  }, 30_000);

  it('keeps the stored payload of a published event by default', async () => {
    const { sent, row } = await publishOneOrder(false, 'zhang.min@example.com');
    expect(sent?.value).toContain('zhang.min@example.com');
    expect(row?.published_at).toBeInstanceOf(Date);
    expect(row?.payload).toContain('zhang.min@example.com');
  }, 30_000);
});
