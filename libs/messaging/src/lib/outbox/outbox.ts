import type { EntityManager } from 'typeorm';
import { createEnvelope, type EventData, type EventDefinition, type EventEnvelope } from '@cardlink/contracts';
import { encodeEvent } from '../kafka/event-codec';
import { currentTraceHeaders } from '../trace-context';

export interface OutgoingEvent<D extends EventDefinition> {
  /** The aggregate id: CloudEvents subject and Kafka key. */
  subject: string;
  data: EventData<D>;
  /** The event being handled, if any: its correlation id is kept and it becomes the causation id. */
  causedBy?: Pick<EventEnvelope, 'id' | 'correlationid'>;
  correlationId?: string;
  id?: string;
}

/**
 * Writes events into the service's outbox table inside the caller's
 * transaction, so a state change and its event commit or roll back together.
 */
export class Outbox {
  constructor(
    private readonly source: string,
    private readonly topicPrefix = '',
  ) {}

  async add<D extends EventDefinition>(manager: EntityManager, definition: D, event: OutgoingEvent<D>): Promise<EventEnvelope<EventData<D>>> {
    const envelope = createEnvelope(definition, {
      source: this.source,
      subject: event.subject,
      data: event.data,
      id: event.id,
      correlationId: event.causedBy?.correlationid ?? event.correlationId,
      causationId: event.causedBy?.id,
    });
    const encoded = encodeEvent(envelope, currentTraceHeaders());
    await manager.query(
      'INSERT INTO outbox (event_id, event_type, topic, message_key, headers, payload) VALUES ($1, $2, $3, $4, $5, $6)',
      [envelope.id, envelope.type, `${this.topicPrefix}${definition.topic}`, encoded.key, encoded.headers, encoded.value],
    );
    return envelope;
  }
}
