/**
 * npm run dlq:replay -- <dead-letter topic> [--event-id ID]
 *
 * Sends dead letters back to their original topic once their cause is fixed.
 * Consumers deduplicate on the event id, so replaying twice is harmless.
 */
import { createKafka, EventProducer, replayDeadLetters } from '@cardlink/messaging';
import { createLogger } from '@cardlink/observability';
import { kafkaBrokers } from '../stack/local-env';

async function main(): Promise<void> {
  const [topic, ...rest] = process.argv.slice(2);
  if (!topic || !topic.endsWith('.dlq')) {
    throw new Error('usage: npm run dlq:replay -- <topic>.dlq [--event-id ID]');
  }
  const flag = rest.indexOf('--event-id');
  const eventId = flag >= 0 ? rest[flag + 1] : undefined;
  const logger = createLogger({ service: 'dlq-replay', level: 'info' });
  const brokers = (process.env['KAFKA_BROKERS'] ?? kafkaBrokers()).split(',');
  const kafka = createKafka({ brokers, clientId: 'cardlink-dlq-replay', logger });
  const producer = new EventProducer(kafka);
  try {
    const replayed = await replayDeadLetters({
      kafka,
      producer,
      deadLetterTopic: topic,
      logger,
      filter: eventId ? (headers) => headers['ce_id'] === eventId : undefined,
    });
    process.stdout.write(`${replayed} dead letter(s) replayed from ${topic}\n`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
