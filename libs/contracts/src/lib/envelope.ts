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

/** Checks the envelope against the CloudEvents 1.0 spec using the reference SDK. */
export function assertCloudEvent(envelope: EventEnvelope): void {
  try {
    new CloudEvent({ ...envelope }, true);
  } catch (error) {
    throw new ContractViolation(envelope.type ?? '(no type)', [`not a valid CloudEvent: ${(error as Error).message}`]);
  }
}

/** Validates a received envelope's data against the schema of its type. */
export function parseEnvelope(envelope: EventEnvelope): EventEnvelope {
  const definition = findEventDefinition(envelope.type);
  if (!definition) throw new ContractViolation(envelope.type, ['unknown event type']);
  return { ...envelope, data: validateEventData(definition, envelope.data) };
}

export function isEvent<D extends EventDefinition>(envelope: EventEnvelope, definition: D): envelope is EventEnvelope<EventData<D>> {
  return envelope.type === definition.type;
}
