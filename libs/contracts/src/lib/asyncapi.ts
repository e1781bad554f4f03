import { z } from 'zod';
import type { EventDefinition } from './event-definition';
import { EVENT_CATALOG } from './events';
import { deadLetterTopic, TOPICS } from './topics';

type Json = Record<string, unknown>;

function camel(value: string): string {
  return value.replace(/[.-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function messageId(definition: EventDefinition): string {
  return camel(definition.type.replace(/^cardlink\./, ''));
}

function channelId(topic: string): string {
  const entry = Object.entries(TOPICS).find(([, t]) => t === topic);
  if (!entry) throw new Error(`topic ${topic} is not in TOPICS`);
  return entry[0];
}

function payloadSchema(definition: EventDefinition): Json {
  const schema = z.toJSONSchema(definition.schema, { target: 'draft-7', io: 'input' }) as Json;
  delete schema['$schema'];
  return schema;
}

/** The CloudEvents Kafka binding (binary mode) puts the envelope in ce_* headers. */
const CLOUD_EVENT_HEADERS: Json = {
  type: 'object',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'ce_correlationid', 'content-type'],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', description: 'unique per event; consumers deduplicate on it' },
    ce_source: { type: 'string', description: 'the producing service' },
    ce_type: { type: 'string', description: 'cardlink.<context>.<event>.v<N>' },
    ce_subject: { type: 'string', description: 'the aggregate id, also the Kafka key' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_correlationid: { type: 'string', description: 'the flow this event belongs to (one order)' },
    ce_causationid: { type: 'string', description: 'the event that caused this one' },
    traceparent: { type: 'string', description: 'W3C trace context' },
    tracestate: { type: 'string' },
    'content-type': { type: 'string', const: 'application/json' },
  },
};

/**
 * An AsyncAPI 3.0 document of every topic and event type, generated from the
 * catalog so that it cannot drift from the schemas the services validate with.
 */
export function buildAsyncApiDocument(): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};

  for (const topic of Object.values(TOPICS)) {
    const id = channelId(topic);
    const events = EVENT_CATALOG.filter((d) => d.topic === topic) as readonly EventDefinition[];
    channels[id] = {
      address: topic,
      description: `Keyed by ${[...new Set(events.map((e) => e.subject))].join(' / ')}. Dead letters go to ${deadLetterTopic(topic)}.`,
      messages: Object.fromEntries(events.map((e) => [messageId(e), { $ref: `#/components/messages/${messageId(e)}` }])),
    };
  }

  for (const definition of EVENT_CATALOG as readonly EventDefinition[]) {
    const id = messageId(definition);
    const channel = channelId(definition.topic);
    messages[id] = {
      name: definition.type,
      title: definition.type,
      summary: definition.description,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/CloudEventHeaders' },
      payload: payloadSchema(definition),
      bindings: { kafka: { key: { type: 'string', description: definition.subject }, bindingVersion: '0.5.0' } },
    };
    const ref = { $ref: `#/channels/${channel}/messages/${id}` };
    operations[`${camel(definition.producer)}Sends${id[0]?.toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channel}` },
      messages: [ref],
    };
    for (const consumer of definition.consumers) {
      operations[`${camel(consumer)}Receives${id[0]?.toUpperCase()}${id.slice(1)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channel}` },
        messages: [ref],
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'cardlink events',
      version: '1.0.0',
      description:
        'Events between the cardlink services. Every message is a CloudEvents 1.0 event in Kafka binary content mode: ' +
        'the envelope in ce_* headers, the data as the JSON body. Generated from libs/contracts; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'the broker started by npm run stack:up' } },
    channels,
    operations,
    components: { messages, schemas: { CloudEventHeaders: CLOUD_EVENT_HEADERS } },
  };
}
