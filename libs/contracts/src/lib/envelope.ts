import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { z } from 'zod';
import type { EventData, EventDefinition } from './event-definition';
import { EVENT_CATALOG } from './events';

/**
 * A CloudEvents 1.0 event as cardlink sends it. `correlationid` ties every
 * event of one business flow together (an order's whole life); `causationid`
 * names the event that caused this one.
 */
export interface EventEnvelope<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly correlationid: string;
  readonly causationid?: string;
  readonly data: T;
}

/** An event that breaks its contract: unknown type, or data that fails its schema. */
export class ContractViolation extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: string[],
  ) {
    super(`${eventType}: ${issues.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

const BY_TYPE = new Map<string, EventDefinition>(EVENT_CATALOG.map((d) => [d.type, d as EventDefinition]));

export function findEventDefinition(type: string): EventDefinition | undefined {
  return BY_TYPE.get(type);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** Validates data against an event's schema; the parsed value drops unknown fields. */
export function validateEventData<D extends EventDefinition>(definition: D, data: unknown): EventData<D> {
  const result = definition.schema.safeParse(data);
  if (!result.success) throw new ContractViolation(definition.type, describeIssues(result.error));
  return result.data as EventData<D>;
}

export interface NewEvent<D extends EventDefinition> {
  source: string;
  subject: string;
  data: EventData<D>;
  /** Defaults to the event's own id: it starts a new flow. */
  correlationId?: string;
  causationId?: string;
  id?: string;
  time?: Date;
}

/** Builds a validated envelope; throws ContractViolation when the data breaks the schema. */
export function createEnvelope<D extends EventDefinition>(definition: D, event: NewEvent<D>): EventEnvelope<EventData<D>> {
  const data = validateEventData(definition, event.data);
  const id = event.id ?? randomUUID();
  const envelope: EventEnvelope<EventData<D>> = {
    specversion: '1.0',
    id,
    source: event.source,
    type: definition.type,
    subject: event.subject,
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    correlationid: event.correlationId ?? id,
    ...(event.causationId ? { causationid: event.causationId } : {}),
    data,
  };
  assertCloudEvent(envelope);
  return envelope;
}

/**
 * Checks the envelope against the CloudEvents 1.0 spec using the reference SDK,
 * plus what the SDK lets through: another specversion (it then skips every
 * check), an empty id (the spec requires a non-empty one; consumers
 * deduplicate on it) and a missing correlationid.
 */
export function assertCloudEvent(envelope: EventEnvelope): void {
  const type = envelope.type || '(no type)';
  if (envelope.specversion !== '1.0') {
    throw new ContractViolation(type, [`not a valid CloudEvent: specversion must be 1.0, got ${String(envelope.specversion)}`]);
  }
  for (const attribute of ['id', 'correlationid'] as const) {
    const value: unknown = envelope[attribute];
    if (typeof value !== 'string' || value === '') {
      throw new ContractViolation(type, [`not a valid CloudEvent: ${attribute} must be a non-empty string`]);
    }
  }
  // An absent optional attribute may arrive as an undefined property; the SDK would reject it as an extension value.
  const attributes = Object.fromEntries(Object.entries(envelope).filter(([, value]) => value !== undefined));
  try {
    new CloudEvent(attributes, true);
  } catch (error) {
    throw new ContractViolation(type, [`not a valid CloudEvent: ${describeSdkError(error)}`]);
  }
}

/** One line per problem: the SDK's message is "invalid payload" followed by raw ajv JSON. */
function describeSdkError(error: unknown): string {
  const message = (error as Error).message.split('\n')[0] ?? '';
  const details = (error as { errors?: unknown }).errors;
  if (!Array.isArray(details) || details.length === 0) return message;
  const described = details.map((d: { instancePath?: string; message?: string }) =>
    `${d.instancePath ? d.instancePath.replace(/^\//, '') : '(envelope)'} ${d.message ?? ''}`.trim(),
  );
  return `${message}: ${described.join(', ')}`;
}

/**
 * Validates a received envelope: its CloudEvents attributes, then its data
 * against the schema of its type. Unknown data fields (a newer producer's
 * optional additions) are dropped; everything the schema requires is kept.
 */
export function parseEnvelope(envelope: EventEnvelope): EventEnvelope {
  const definition = findEventDefinition(envelope.type);
  if (!definition) throw new ContractViolation(envelope.type || '(no type)', ['unknown event type']);
  const parsed = { ...envelope, data: validateEventData(definition, envelope.data) };
  assertCloudEvent(parsed);
  return parsed;
}

export function isEvent<D extends EventDefinition>(envelope: EventEnvelope, definition: D): envelope is EventEnvelope<EventData<D>> {
  return envelope.type === definition.type;
}
