import { Client } from 'pg';
import { createEnvelope, type EventData, type EventDefinition, type EventEnvelope } from '@cardlink/contracts';
import { encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService, type ServiceDefinition } from '../lib/bootstrap';
import { freePort, serviceTestEnv } from './index';

/** One service started for an integration test, with its own schema, topics, port and a way to play the other services. */
export interface ServiceUnderTest {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  schema: TestSchema;
  topicPrefix: string;
  /** A connection with the service's schema on its search path, to look at its tables. */
  db: Client;
  service: RunningService;
  /** Publishes an event as its producing service would, on this run's topics. */
  publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>): Promise<EventEnvelope>;
  /** Sends an envelope already published once more, as Kafka may after a lost acknowledgement. */
  redeliver(definition: EventDefinition, envelope: EventEnvelope): Promise<void>;
  /** Stops the service and removes its schema and topics. */
  stop(): Promise<void>;
}

/**
 * Starts the service in this process against a throwaway schema (migrated at
 * start) and a private topic prefix, on a free port. `env` adds the service's
 * own settings (credentials, shop URL, intervals); it goes to process.env
 * because that is where a service reads its configuration.
 */
export async function startServiceUnderTest(
  definition: ServiceDefinition & { role: string; env?: Record<string, string>; schemaPrefix?: string; port?: number },
): Promise<ServiceUnderTest> {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  const port = definition.port ?? (await freePort());
  const schema = await createTestSchema({ role: definition.role, prefix: definition.schemaPrefix ?? definition.service.replace(/-/g, '_') });
  const topicPrefix = await createTestTopics(kafka);
  let service: RunningService | undefined;
  let db: Client | undefined;
  const stop = async () => {
    await db?.end();
    await producer.disconnect();
    await service?.shutdown();
    await schema.drop();
    await deleteTestTopics(kafka, topicPrefix);
  };
  try {
    Object.assign(
      process.env,
      serviceTestEnv({ port, schema, topicPrefix, brokers: TEST_BROKERS, consumerGroup: `${definition.service}-${topicPrefix}` }),
      definition.env ?? {},
    );
    service = await bootstrapService(definition);
    if (!service) throw new Error(`${definition.service} did not start (it ran a command instead)`);
    db = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await db.connect();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const running = service;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    schema,
    topicPrefix,
    db,
    service: running,
    publish: async (eventDefinition, subject, data) => {
      const envelope = createEnvelope(eventDefinition, { source: 'test', subject, data });
      await producer.send([{ topic: `${topicPrefix}${eventDefinition.topic}`, ...encodeEvent(envelope) }]);
      return envelope;
    },
    redeliver: async (eventDefinition, envelope) => {
      await producer.send([{ topic: `${topicPrefix}${eventDefinition.topic}`, ...encodeEvent(envelope) }]);
    },
    stop,
  };
}
