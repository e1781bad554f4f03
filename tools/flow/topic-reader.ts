import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { testKafka } from '@cardlink/messaging/testing';

/**
 * Reads every message already in these topics, from the beginning to the end
 * each partition had when the read started, handing each to `onMessage`.
 * Returns the partitions it could not read to the end within the time (empty
 * when it read everything).
 */
export async function readTopicsToEnd(
  clientId: string,
  topics: readonly string[],
  onMessage: (topic: string, message: KafkaMessage) => void,
  timeoutMs = 60_000,
): Promise<string[]> {
  const kafka = testKafka(clientId);
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return [];
  const consumer = kafka.consumer({ groupId: `${clientId}-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set([...remaining.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))], fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        onMessage(topic, message);
        const key = `${topic}/${partition}`;
        const end = remaining.get(key);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(key);
        if (remaining.size === 0) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return [...remaining.keys()];
  } finally {
    await consumer.disconnect();
  }
}
