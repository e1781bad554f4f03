import type { IHeaders } from 'kafkajs';
import { headersToStrings } from '../kafka/event-codec';

export const DLQ_HEADER = {
  error: 'x-dlq-error',
  errorName: 'x-dlq-error-name',
  topic: 'x-dlq-original-topic',
  partition: 'x-dlq-original-partition',
  offset: 'x-dlq-original-offset',
  group: 'x-dlq-consumer-group',
  attempts: 'x-dlq-attempts',
  failedAt: 'x-dlq-failed-at',
} as const;

export interface DeadLetterCause {
  error: { name: string; message: string };
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
  attempts: number;
}

/** The original headers plus why and where the message failed, so it can be inspected and replayed. */
export function deadLetterHeaders(original: IHeaders | undefined, cause: DeadLetterCause, now = new Date()): Record<string, string> {
  return {
    ...headersToStrings(original),
    [DLQ_HEADER.error]: cause.error.message.slice(0, 2000),
    [DLQ_HEADER.errorName]: cause.error.name,
    [DLQ_HEADER.topic]: cause.topic,
    [DLQ_HEADER.partition]: String(cause.partition),
    [DLQ_HEADER.offset]: cause.offset,
    [DLQ_HEADER.group]: cause.groupId,
    [DLQ_HEADER.attempts]: String(cause.attempts),
    [DLQ_HEADER.failedAt]: now.toISOString(),
  };
}

/** Headers for a replay: the dead-letter annotations removed, the event itself untouched. */
export function replayHeaders(headers: Record<string, string>): Record<string, string> {
  const dlqNames = new Set<string>(Object.values(DLQ_HEADER));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !dlqNames.has(name)));
}
