import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import type { IHeaders } from 'kafkajs';
import type { EventEnvelope } from '@cardlink/contracts';

/** A record as it goes to Kafka: CloudEvents binary content mode, JSON body. */
export interface EncodedEvent {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function encodeEvent(envelope: EventEnvelope, extraHeaders: Record<string, string> = {}): EncodedEvent {
  const event = new CloudEvent({ ...envelope, partitionkey: envelope.subject }, false);
  const message = CloudEventsKafka.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return { key: envelope.subject, value: JSON.stringify(envelope.data), headers: { ...headers, ...extraHeaders } };
}

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}

export class UndecodableMessage extends Error {
  override name = 'UndecodableMessage';
}

/** Reads a binary-mode CloudEvent back into an envelope; throws UndecodableMessage when it is not one. */
export function decodeEvent(message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }): EventEnvelope {
  const headers = headersToStrings(message.headers);
  if (!headers['ce_id'] || !headers['ce_type']) throw new UndecodableMessage('not a CloudEvent: ce_id or ce_type header missing');
  if (!message.value) throw new UndecodableMessage('empty message body');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new UndecodableMessage(`body is not JSON: ${(error as Error).message}`);
  }
  const attribute = (name: string) => headers[`ce_${name}`];
  return {
    specversion: '1.0',
    id: headers['ce_id'],
    source: attribute('source') ?? '',
    type: headers['ce_type'],
    subject: attribute('subject') ?? message.key?.toString('utf8') ?? '',
    time: attribute('time') ?? new Date(0).toISOString(),
    datacontenttype: 'application/json',
    correlationid: attribute('correlationid') ?? headers['ce_id'],
    ...(attribute('causationid') ? { causationid: attribute('causationid') } : {}),
    data,
  };
}
