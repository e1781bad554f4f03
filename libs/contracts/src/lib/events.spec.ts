import { defineEvent } from './event-definition';
import type { EventDefinition } from './event-definition';
import { ContractViolation, validateEventData } from './envelope';
import { EVENT_SAMPLES, sampleFor } from './event-samples.fixture';
import { EVENT_CATALOG } from './events';
import { SERVICE_NAMES, TOPICS } from './topics';
import { z } from 'zod';

const CATALOG = EVENT_CATALOG as readonly EventDefinition[];
const TYPE_RULE = /^cardlink\.([a-z]+)\.([a-z]+(?:-[a-z]+)*)\.v([1-9][0-9]*)$/;
const topics: readonly string[] = Object.values(TOPICS);

describe('EVENT_CATALOG', () => {
  it('is not empty', () => {
    expect(CATALOG.length).toBeGreaterThan(0);
  });

  it('has no event type twice', () => {
    const types = CATALOG.map((d) => d.type);
    expect(types.filter((t, i) => types.indexOf(t) !== i)).toEqual([]);
  });

  describe.each(CATALOG.map((d) => [d.type, d] as const))('%s', (_type, definition) => {
    it('is named cardlink.<context>.<event>.v<N>', () => {
      expect(definition.type).toMatch(TYPE_RULE);
    });

    it('travels on a topic from TOPICS', () => {
      expect(topics).toContain(definition.topic);
    });

    it("belongs to its topic's context, so one stream holds one context's events", () => {
      const context = TYPE_RULE.exec(definition.type)?.[1];
      expect(definition.topic.split('.')[1]).toBe(context);
    });

    it('is produced and consumed by known services, never by its own producer', () => {
      expect(SERVICE_NAMES).toContain(definition.producer);
      for (const consumer of definition.consumers) expect(SERVICE_NAMES).toContain(consumer);
      expect(definition.consumers).not.toContain(definition.producer);
      expect(new Set(definition.consumers).size).toBe(definition.consumers.length);
    });

    it('has an object payload schema, a subject and a description', () => {
      expect(definition.schema).toBeInstanceOf(z.ZodObject);
      expect(definition.subject.trim()).not.toBe('');
      expect(definition.description.trim()).not.toBe('');
    });

    it('is frozen', () => {
      expect(Object.isFrozen(definition)).toBe(true);
    });
  });
});

describe('defineEvent', () => {
  const base = {
    topic: TOPICS.orderLifecycle,
    producer: 'order-processing',
    consumers: [],
    subject: 'order id',
    description: 'test',
    schema: z.object({}),
  } as const;

  it.each([
    'orders.order-paid.v1',
    'cardlink.orders.order-paid',
    'cardlink.orders.order-paid.v0',
    'cardlink.orders.order-paid.V1',
    'cardlink.Orders.order-paid.v1',
    'cardlink.orders.order_paid.v1',
    'cardlink.orders.order-paid.v1.extra',
  ])('rejects the type %s', (type) => {
    expect(() => defineEvent({ ...base, type })).toThrow(/cardlink\.<context>\.<event>\.v<N>/);
  });

  it('accepts a well-formed type', () => {
    expect(defineEvent({ ...base, type: 'cardlink.orders.order-paid.v2' }).type).toBe('cardlink.orders.order-paid.v2');
  });
});

describe('sample payloads (event-samples.fixture.ts)', () => {
  it.each(CATALOG.map((d) => [d.type]))('has a sample for %s', (type) => {
    expect(EVENT_SAMPLES.has(type)).toBe(true);
  });

  it('has no sample for a type outside the catalog', () => {
    const known = new Set(CATALOG.map((d) => d.type));
    expect([...EVENT_SAMPLES.keys()].filter((t) => !known.has(t))).toEqual([]);
  });

  it.each(CATALOG.map((d) => [d.type, d] as const))('the sample of %s is valid and survives validation intact', (type, definition) => {
    const data = sampleFor(type);
    expect(validateEventData(definition, data)).toEqual(data);
  });

  it.each(CATALOG.map((d) => [d.type, d] as const))('%s rejects an empty payload', (_type, definition) => {
    expect(() => validateEventData(definition, {})).toThrow(ContractViolation);
  });
});
