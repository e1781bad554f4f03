import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { ContractViolation, deadLetterTopic, findEventDefinition, validateEventData, type EventEnvelope } from '@cardlink/contracts';
import { decodeEvent, headersToStrings, UndecodableMessage } from '../kafka/event-codec';
import type { EventProducer } from '../kafka/event-producer';
import { errorDetails, type MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../messaging-metrics';
import { contextFromHeaders } from '../trace-context';
import { ConsumerLagMonitor } from './consumer-lag';
import { deadLetterHeaders } from './dead-letter';
import { DEFAULT_RETRY_POLICY, PermanentEventError, retryDelayMs, type RetryPolicy } from './retry-policy';

export interface HandlerContext {
  /** The transaction the handler's writes must use; the inbox row commits with them. */
  manager: EntityManager;
  topic: string;
  partition: number;
  offset: string;
  attempt: number;
  /** Runs `effect` after this transaction committed; an attempt that rolls back drops its effects. */
  afterCommit(effect: () => void): void;
}

export type EventHandler = (envelope: EventEnvelope, ctx: HandlerContext) => Promise<void>;

export interface InboxConsumerOptions {
  kafka: Kafka;
  groupId: string;
  dataSource: DataSource;
  /** Sends dead letters; shared with the outbox relay. */
  producer: EventProducer;
  /** Handlers by event type; the topics to read follow from the contracts. */
  handlers: ReadonlyMap<string, EventHandler>;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  topicPrefix?: string;
  retry?: RetryPolicy;
  partitionsConsumedConcurrently?: number;
  /** Called after each transaction that handled an event committed (e.g. to nudge the outbox relay). */
  afterCommit?: () => void;
  fromBeginning?: boolean;
  /** How often the group's lag is sampled into the metrics (default 15 s); 0 turns sampling off. */
  lagIntervalMs?: number;
}

type Outcome = 'handled' | 'duplicate' | 'ignored' | 'dead_lettered';

const tracer = trace.getTracer('cardlink-messaging');

/** How long the broker waits for a silent member before giving its partitions to others (the broker's floor is 6 s). */
export const CONSUMER_SESSION_TIMEOUT_MS = 10_000;
/** Heartbeats well inside the session, so a busy but live member is never taken for dead. */
export const CONSUMER_HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Consumes with eachBatch, resolving and committing offsets itself, and only
 * after the database transaction that recorded the event in the inbox
 * committed. A duplicate finds its inbox row and changes nothing. A message
 * that keeps failing goes to the dead-letter topic with its error, and the
 * partition moves on.
 */
export class InboxConsumer {
  private readonly consumer: Consumer;
  private readonly retry: RetryPolicy;
  private readonly topics: string[];
  private crashError?: Error;
  private lagMonitor?: ConsumerLagMonitor;

  constructor(private readonly options: InboxConsumerOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    const prefix = options.topicPrefix ?? '';
    const topics = new Set<string>();
    for (const type of options.handlers.keys()) {
      const definition = findEventDefinition(type);
      if (!definition) throw new Error(`no event type "${type}" in libs/contracts: cannot subscribe a handler to it`);
      topics.add(`${prefix}${definition.topic}`);
    }
    this.topics = [...topics];
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      // A member that died without leaving (SIGKILL, a lost pod) holds its partitions until its session times out,
      // and its replacement waits in the rebalance that long: 10 s instead of KafkaJS's 30 s.
      sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: CONSUMER_HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crashError = payload.error;
      options.logger.error({ err: errorDetails(payload.error), restart: payload.restart }, 'Kafka consumer crashed');
    });
  }

  get subscribedTopics(): readonly string[] {
    return this.topics;
  }

  /** Throws when the consumer crashed for good; used by the readiness check. */
  assertHealthy(): void {
    if (this.crashError) throw new Error(`consumer ${this.options.groupId} stopped: ${this.crashError.message}`);
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    const { metrics, lagIntervalMs } = this.options;
    if (metrics && lagIntervalMs !== 0) {
      this.lagMonitor = new ConsumerLagMonitor({
        kafka: this.options.kafka,
        groupId: this.options.groupId,
        topics: this.topics,
        metrics,
        logger: this.options.logger,
        intervalMs: lagIntervalMs,
      });
      this.lagMonitor.start();
    }
  }

  /** Stops fetching, lets the message in hand finish and commit, then disconnects. */
  async stop(): Promise<void> {
    await this.lagMonitor?.stop();
    this.lagMonitor = undefined;
    await this.consumer.stop();
    await this.consumer.disconnect();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let lastDone: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        await this.handleMessage(batch.topic, batch.partition, message, heartbeat);
        resolveOffset(message.offset);
        lastDone = message.offset;
        await heartbeat();
      }
    } finally {
      if (lastDone !== undefined) {
        // A committed offset names the next message to read.
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(lastDone) + 1n).toString() }]);
      }
    }
  }

  private async handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const headers = headersToStrings(message.headers);
    const type = headers['ce_type'] ?? 'unknown';
    const parent = contextFromHeaders(headers);
    const span = tracer.startSpan(`${topic} process`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.kafka.destination.partition': partition,
        'messaging.kafka.message.offset': Number(message.offset),
        'messaging.message.id': headers['ce_id'] ?? '',
        'messaging.kafka.message.key': message.key?.toString('utf8') ?? '',
        // Joins every hop of one order (or other flow) even where a trace was broken.
        'cardlink.correlation_id': headers['ce_correlationid'] ?? headers['ce_id'] ?? '',
        'cloudevents.event_type': type,
      },
    }, parent);
    const started = process.hrtime.bigint();
    try {
      const outcome = await context.with(trace.setSpan(parent, span), () => this.process(topic, partition, message, heartbeat));
      span.setAttribute('cardlink.outcome', outcome);
      this.options.metrics?.consumed.inc({ type, result: outcome });
      if (outcome === 'handled') {
        this.options.metrics?.handleSeconds.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorDetails(error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  private async process(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    let envelope: EventEnvelope;
    try {
      envelope = decodeEvent(message);
    } catch (error) {
      await this.deadLetter(topic, partition, message, error, 0);
      return 'dead_lettered';
    }
    const handler = this.options.handlers.get(envelope.type);
    if (!handler) return 'ignored';

    const definition = findEventDefinition(envelope.type);
    let attempt = 0;
    let lastError: unknown;
    while (attempt < this.retry.attempts) {
      attempt += 1;
      try {
        if (!definition) throw new ContractViolation(envelope.type, ['unknown event type']);
        const valid: EventEnvelope = { ...envelope, data: validateEventData(definition, envelope.data) };
        const effects: (() => void)[] = [];
        const afterCommit = (effect: () => void) => void effects.push(effect);
        const handled = await this.options.dataSource.transaction(async (manager) => {
          const inserted = (await manager.query(
            'INSERT INTO inbox (consumer_group, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
            [this.options.groupId, valid.id, valid.type],
          )) as unknown[];
          if (inserted.length === 0) return false;
          await handler(valid, { manager, topic, partition, offset: message.offset, attempt, afterCommit });
          return true;
        });
        if (handled) {
          this.options.afterCommit?.();
          this.runAfterCommit(effects, envelope);
        }
        return handled ? 'handled' : 'duplicate';
      } catch (error) {
        lastError = error;
        if (isPermanent(error)) break;
        this.options.logger.warn(
          { err: errorDetails(error), eventId: envelope.id, type: envelope.type, attempt },
          'event handler failed; retrying',
        );
        if (attempt < this.retry.attempts) {
          await sleep(retryDelayMs(this.retry, attempt + 1));
          await heartbeat();
        }
      }
    }
    await this.deadLetter(topic, partition, message, lastError, attempt);
    return 'dead_lettered';
  }

  /** The event is handled and committed whatever these do: a failing effect is logged, never retried as the handler. */
  private runAfterCommit(effects: readonly (() => void)[], envelope: EventEnvelope): void {
    for (const effect of effects) {
      try {
        effect();
      } catch (error) {
        this.options.logger.warn({ err: errorDetails(error), eventId: envelope.id, type: envelope.type }, 'after-commit effect failed');
      }
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number): Promise<void> {
    const dlq = deadLetterTopic(topic);
    const details = errorDetails(error);
    this.options.logger.error(
      { err: details, topic, partition, offset: message.offset, dlq, attempts },
      'message sent to the dead-letter topic',
    );
    await this.options.producer.send([
      {
        topic: dlq,
        key: message.key?.toString('utf8') ?? '',
        value: message.value?.toString('utf8') ?? '',
        headers: deadLetterHeaders(message.headers, { error: details, topic, partition, offset: message.offset, groupId: this.options.groupId, attempts }),
      },
    ]);
    this.options.metrics?.deadLetters.inc({ topic: dlq });
  }
}

function isPermanent(error: unknown): boolean {
  return error instanceof PermanentEventError || error instanceof ContractViolation || error instanceof UndecodableMessage;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
