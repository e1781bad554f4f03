import { CloudEvent, Kafka } from 'cloudevents';
import type { EventDefinition } from './event-definition';
import {
  assertCloudEvent,
  ContractViolation,
  createEnvelope,
  findEventDefinition,
  isEvent,
  parseEnvelope,
  validateEventData,
} from './envelope';
import type { EventEnvelope } from './envelope';
import { sampleFor } from './event-samples.fixture';
import { EVENT_CATALOG, OrderApproved, OrderPaid, ShopOrderPaid } from './events';

const CATALOG = EVENT_CATALOG as readonly EventDefinition[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function violation(fn: () => unknown): ContractViolation {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw error;
  }
  throw new Error('expected a ContractViolation, got none');
}

function orderPaidEnvelope(overrides: Partial<Parameters<typeof createEnvelope<typeof OrderPaid>>[1]> = {}) {
  return createEnvelope(OrderPaid, {
    source: 'order-processing',
    subject: 'ord_01J9Z6K8Q2',
    data: sampleFor(OrderPaid.type) as never,
    ...overrides,
  });
}

describe('createEnvelope', () => {
  it.each(CATALOG.map((d) => [d.type, d] as const))('makes a valid CloudEvent of the %s sample', (type, definition) => {
    const envelope = createEnvelope(definition, { source: definition.producer, subject: 'aggregate-1', data: sampleFor(type) });
    const event = new CloudEvent({ ...envelope }, true);
    expect(event.validate()).toBe(true);
    expect(event.specversion).toBe('1.0');
    expect(event.type).toBe(type);
    expect(event.subject).toBe('aggregate-1');
    expect(event.datacontenttype).toBe('application/json');
    expect(event['correlationid']).toBe(envelope.id);
    expect(event.data).toEqual(sampleFor(type));
  });

  it('gives each event a fresh UUID and the current time', () => {
    const before = Date.now();
    const a = orderPaidEnvelope();
    const b = orderPaidEnvelope();
    expect(a.id).toMatch(UUID);
    expect(b.id).not.toBe(a.id);
    const time = Date.parse(a.time);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(a.time).toBe(new Date(time).toISOString());
  });

  it('defaults correlationid to its own id: the event starts a flow', () => {
    const envelope = orderPaidEnvelope();
    expect(envelope.correlationid).toBe(envelope.id);
    expect('causationid' in envelope).toBe(false);
  });

  it('keeps the given id, time, correlation and causation', () => {
    const cause = orderPaidEnvelope();
    const envelope = createEnvelope(OrderApproved, {
      id: 'evt-2',
      time: new Date('2025-03-01T02:00:43.000Z'),
      source: 'order-processing',
      subject: 'ord_01J9Z6K8Q2',
      correlationId: cause.correlationid,
      causationId: cause.id,
      data: sampleFor(OrderApproved.type) as never,
    });
    expect(envelope).toMatchObject({
      id: 'evt-2',
      time: '2025-03-01T02:00:43.000Z',
      correlationid: cause.id,
      causationid: cause.id,
    });
    expect(Kafka.binary(new CloudEvent({ ...envelope })).headers).toMatchObject({
      ce_id: 'evt-2',
      ce_correlationid: cause.id,
      ce_causationid: cause.id,
    });
  });

  it('rejects data that breaks the schema with a ContractViolation naming the field path', () => {
    const data = sampleFor(ShopOrderPaid.type) as { order: { lines: [{ quantity: number }] } };
    data.order.lines[0].quantity = 0;
    const error = violation(() =>
      createEnvelope(ShopOrderPaid, { source: 'shop-gateway', subject: 'LD1', data: data as never }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ContractViolation');
    expect(error.eventType).toBe(ShopOrderPaid.type);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^order\.lines\.0\.quantity: /);
    expect(error.message).toContain('order.lines.0.quantity');
  });

  it('names every broken field, including missing ones', () => {
    const data = sampleFor(OrderPaid.type);
    delete data['currency'];
    data['amount'] = 'lots';
    const error = violation(() => orderPaidEnvelope({ data: data as never }));
    expect(error.issues.map((i) => i.split(':')[0]).sort()).toEqual(['amount', 'currency']);
  });

  it('drops data fields the schema does not know', () => {
    const envelope = orderPaidEnvelope({ data: { ...sampleFor(OrderPaid.type), cardSecret: 'must not travel' } as never });
    expect(envelope.data).not.toHaveProperty('cardSecret');
  });

  it.each([
    ['source', { source: '' }],
    ['subject', { subject: '' }],
    ['id', { id: '' }],
    ['correlationid', { correlationId: '' }],
  ])('rejects an empty %s', (attribute, overrides) => {
    const error = violation(() => orderPaidEnvelope(overrides));
    expect(error.issues.join(' ')).toMatch(/not a valid CloudEvent/);
    expect(error.issues.join(' ')).toContain(attribute);
  });
});

describe('parseEnvelope', () => {
  it('returns a received envelope whole: every attribute and every schema field', () => {
    const sent = createEnvelope(OrderApproved, {
      source: 'order-processing',
      subject: 'ord_01J9Z6K8Q2',
      causationId: 'evt-1',
      correlationId: 'evt-0',
      data: sampleFor(OrderApproved.type) as never,
    });
    const received = JSON.parse(JSON.stringify(sent)) as EventEnvelope;
    expect(parseEnvelope(received)).toEqual(sent);
  });

  it.each(CATALOG.map((d) => [d.type, d] as const))('round-trips %s through the Kafka binary binding', (type, definition) => {
    const sent = createEnvelope(definition, { source: definition.producer, subject: 'aggregate-1', causationId: 'evt-0', data: sampleFor(type) });
    const message = Kafka.binary(new CloudEvent({ ...sent }));
    const wire = { ...message, value: Buffer.from(JSON.stringify(message.body)) };
    const event = Kafka.toEvent(wire) as CloudEvent<unknown>;
    const { partitionkey: _key, ...attributes } = event.toJSON() as Record<string, unknown>;
    expect(parseEnvelope(attributes as unknown as EventEnvelope)).toEqual(sent);
  });

  it('keeps extension attributes it does not know (e.g. trace context)', () => {
    const sent = orderPaidEnvelope();
    const received = { ...sent, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    expect(parseEnvelope(received)).toEqual(received);
  });

  it('accepts fields a newer producer added (compatibility: optional additions are free)', () => {
    const sent = orderPaidEnvelope();
    const received = { ...sent, data: { ...sent.data, loyaltyPoints: 12 } };
    expect(parseEnvelope(received).data).toEqual(sent.data);
  });

  it('rejects an unknown event type', () => {
    const received = { ...orderPaidEnvelope(), type: 'cardlink.orders.order-teleported.v1' };
    const error = violation(() => parseEnvelope(received));
    expect(error.eventType).toBe('cardlink.orders.order-teleported.v1');
    expect(error.issues).toEqual(['unknown event type']);
  });

  it('rejects a newer version this build does not know', () => {
    const error = violation(() => parseEnvelope({ ...orderPaidEnvelope(), type: 'cardlink.orders.order-paid.v99' }));
    expect(error.issues).toEqual(['unknown event type']);
  });

  it('rejects data that breaks the schema of its type, naming the field', () => {
    const sent = orderPaidEnvelope();
    const error = violation(() => parseEnvelope({ ...sent, data: { ...sent.data, amount: 97.5 } }));
    expect(error.issues[0]).toMatch(/^amount: /);
  });

  it('rejects an envelope that is not a CloudEvent', () => {
    const { id: _id, ...withoutId } = orderPaidEnvelope();
    expect(() => parseEnvelope(withoutId as EventEnvelope)).toThrow(/id must be a non-empty string/);
    expect(() => parseEnvelope({ ...orderPaidEnvelope(), time: 'yesterday' })).toThrow(ContractViolation);
  });

  it('accepts an absent causationid given as undefined', () => {
    const sent = orderPaidEnvelope();
    expect(parseEnvelope({ ...sent, causationid: undefined })).toMatchObject({ id: sent.id });
  });
});

describe('assertCloudEvent', () => {
  it('passes an envelope from createEnvelope', () => {
    expect(() => assertCloudEvent(orderPaidEnvelope())).not.toThrow();
  });

  it('rejects a wrong specversion', () => {
    expect(() => assertCloudEvent({ ...orderPaidEnvelope(), specversion: '0.3' as '1.0' })).toThrow(ContractViolation);
  });
});

describe('findEventDefinition and isEvent', () => {
  it('finds every catalog entry by type', () => {
    for (const definition of CATALOG) expect(findEventDefinition(definition.type)).toBe(definition);
    expect(findEventDefinition('cardlink.nothing.here.v1')).toBeUndefined();
  });

  it('narrows an envelope to its definition', () => {
    const envelope: EventEnvelope = orderPaidEnvelope();
    expect(isEvent(envelope, OrderPaid)).toBe(true);
    expect(isEvent(envelope, OrderApproved)).toBe(false);
  });
});

describe('validateEventData', () => {
  it('returns the parsed value', () => {
    expect(validateEventData(OrderApproved, sampleFor(OrderApproved.type))).toEqual(sampleFor(OrderApproved.type));
  });
});
