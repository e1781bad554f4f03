import type { Kafka } from 'kafkajs';
import { DEAD_LETTER_SUFFIX } from '@cardlink/contracts';
import { headersToStrings } from './kafka/event-codec';
import type { EventProducer } from './kafka/event-producer';
import { DLQ_HEADER, replayHeaders } from './inbox/dead-letter';
import type { MessagingLogger } from './logger';

export interface ReplayOptions {
  kafka: Kafka;
  producer: EventProducer;
  deadLetterTopic: string;
  logger: MessagingLogger;
  /** Replays only messages that match; default all. */
  filter?: (headers: Record<string, string>) => boolean;
  /** Stop after this long without a new message. */
  idleMs?: number;
}

/**
 * Sends every message of a dead-letter topic back to its original topic with
 * its original headers, once the cause is fixed. The replay consumer group
 * remembers how far it got, so running it twice replays nothing twice.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<number> {
  if (!options.deadLetterTopic.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new Error(`${options.deadLetterTopic} is not a dead-letter topic (no ${DEAD_LETTER_SUFFIX} suffix)`);
  }
  const original = options.deadLetterTopic.slice(0, -DEAD_LETTER_SUFFIX.length);
  const consumer = options.kafka.consumer({ groupId: `cardlink-dlq-replay.${options.deadLetterTopic}`, maxWaitTimeInMs: 200 });
  let replayed = 0;
  let lastMessageAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.deadLetterTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        lastMessageAt = Date.now();
        const headers = headersToStrings(message.headers);
        if (!options.filter || options.filter(headers)) {
          await options.producer.send([
            {
              topic: headers[DLQ_HEADER.topic] ?? original,
              key: message.key?.toString('utf8') ?? '',
              value: message.value?.toString('utf8') ?? '',
              headers: replayHeaders(headers),
            },
          ]);
          replayed += 1;
          options.logger.info({ eventId: headers['ce_id'], topic: original }, 'dead letter replayed');
        }
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    const idleMs = options.idleMs ?? 3000;
    while (Date.now() - lastMessageAt < idleMs) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await consumer.disconnect();
  }
  return replayed;
}
