import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { allTopicNames } from '@cardlink/contracts';
import { createTopicsReady } from '../lib/kafka/topics';

/** Brokers of the local stack (npm run stack:up), overridable for CI. */
export const TEST_BROKERS = (process.env['KAFKA_BROKERS'] ?? `127.0.0.1:${process.env['CARDLINK_KAFKA_PORT'] ?? 9092}`).split(',');

export function testKafka(clientId = 'cardlink-test'): Kafka {
  return new Kafka({ clientId, brokers: TEST_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/**
 * A private set of every contract topic (and dead-letter topic) under a random
 * prefix, so parallel test suites never read each other's messages.
 */
export async function createTestTopics(kafka: Kafka, partitions = 2): Promise<string> {
  const prefix = `test-${randomBytes(4).toString('hex')}.`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsReady(
      admin,
      allTopicNames().map((t) => ({ topic: `${prefix}${t}`, numPartitions: partitions, replicationFactor: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
  return prefix;
}

export async function deleteTestTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: allTopicNames().map((t) => `${prefix}${t}`) });
  } finally {
    await admin.disconnect();
  }
}

export interface ReadMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads a topic from the beginning until `done` says the collection is
 * complete or the timeout passes; returns everything read.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (messages: ReadMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        messages.push({ topic: t, partition, message });
        if (done(messages)) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
