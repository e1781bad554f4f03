/**
 * Child process for the crash test: commits events to the outbox, starts a
 * relay, reports the committed ids and waits to be killed with SIGKILL.
 */
import { StockChanged } from '@cardlink/contracts';
import { createServiceDataSource, withTransaction } from '@cardlink/persistence';
import { EventProducer, MESSAGING_ENTITIES, Outbox, OutboxRelay, silentLogger } from '../index';
import { testKafka } from './kafka-testing';

async function main() {
  const env = process.env as Record<string, string>;
  const dataSource = createServiceDataSource({ url: env['TEST_DB_URL'], schema: env['TEST_DB_SCHEMA'], entities: MESSAGING_ENTITIES, migrations: [] });
  await dataSource.initialize();
  const outbox = new Outbox('crash-writer', env['TEST_TOPIC_PREFIX']);
  const producer = new EventProducer(testKafka('crash-writer'));
  const relay = new OutboxRelay({ dataSource, producer, logger: silentLogger, pollIntervalMs: 1 });
  relay.start();
  const ids: string[] = [];
  for (let i = 0; i < Number(env['TEST_EVENTS']); i += 1) {
    const envelope = await withTransaction(dataSource, (manager) =>
      outbox.add(manager, StockChanged, {
        subject: 'crash-product',
        data: { productId: 'crash-product', available: i, sequence: i, at: new Date().toISOString() },
      }),
    );
    ids.push(envelope.id);
    relay.nudge();
  }
  process.stdout.write(`COMMITTED ${JSON.stringify(ids)}\n`);
  await new Promise(() => undefined);
}

void main();
