export { createKafka, pingKafka, type KafkaConnectionOptions } from './lib/kafka/kafka-client';
export { EventProducer, type OutgoingRecord } from './lib/kafka/event-producer';
export { encodeEvent, decodeEvent, headersToStrings, UndecodableMessage, type EncodedEvent } from './lib/kafka/event-codec';
export { Outbox, type OutgoingEvent } from './lib/outbox/outbox';
export { OutboxRelay, type OutboxRelayOptions } from './lib/outbox/outbox-relay';
export { OutboxRecord } from './lib/outbox/outbox-record.entity';
export { InboxRecord } from './lib/inbox/inbox-record.entity';
export { InboxConsumer, type EventHandler, type HandlerContext, type InboxConsumerOptions } from './lib/inbox/inbox-consumer';
export { PermanentEventError, DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './lib/inbox/retry-policy';
export { DLQ_HEADER, deadLetterHeaders, replayHeaders } from './lib/inbox/dead-letter';
export { replayDeadLetters, type ReplayOptions } from './lib/dead-letter-replay';
export { MessagingMetrics } from './lib/messaging-metrics';
export { MessagingTables1764201600000 } from './lib/migrations/1764201600000-messaging-tables';
export { InboxTransport, type InboxTransportOptions } from './lib/nest/inbox-transport';
export { InboxContext } from './lib/nest/inbox-context';
export { currentTraceHeaders, contextFromHeaders } from './lib/trace-context';
export { silentLogger, type MessagingLogger } from './lib/logger';

export { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS } from './lib/messaging-tables';
