import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * An idempotent producer (acks=all) whose sends run one at a time.
 * kafkajs marks idempotence experimental, and concurrent sends on one
 * idempotent producer can fail or lose messages (tulios/kafkajs#598, #1005),
 * so every send is queued behind the previous one.
 */
export class EventProducer {
  private readonly producer: Producer;
  private queue: Promise<unknown> = Promise.resolve();
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  /** Sends the records, grouped by topic, and resolves once every broker acknowledged them. */
  send(records: OutgoingRecord[]): Promise<void> {
    const run = async () => {
      await this.connect();
      const byTopic = new Map<string, Message[]>();
      for (const record of records) {
        const messages = byTopic.get(record.topic) ?? [];
        messages.push({ key: record.key, value: record.value, headers: record.headers });
        byTopic.set(record.topic, messages);
      }
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async disconnect(): Promise<void> {
    await this.queue;
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
