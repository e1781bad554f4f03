import { z } from 'zod';
import type { EventDefinition } from './event-definition';
import { ContractViolation, validateEventData } from './envelope';
import { sampleFor } from './event-samples.fixture';
import { EVENT_CATALOG, ShopOrderPaid } from './events';
import { Currency, MinorUnits, Timestamp } from './primitives';

type Path = (string | number)[];

/**
 * Every path in `data` that the schema types as MinorUnits (money), found by
 * walking the schema and the sample side by side so that array items count.
 */
function moneyPaths(schema: z.ZodType, data: unknown, path: Path = []): Path[] {
  if (schema === MinorUnits) return data === undefined ? [] : [path];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return moneyPaths(schema.unwrap() as z.ZodType, data, path);
  if (schema instanceof z.ZodObject && data && typeof data === 'object') {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      moneyPaths(child, (data as Record<string, unknown>)[key], [...path, key]),
    );
  }
  if (schema instanceof z.ZodArray && Array.isArray(data)) {
    return data.flatMap((item, i) => moneyPaths(schema.element as z.ZodType, item, [...path, i]));
  }
  return [];
}

/** Paths of fields whose name says money (amount, price) but whose schema is not MinorUnits. */
function moneyNamedButNotMoney(schema: z.ZodType, path: Path = []): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return moneyNamedButNotMoney(schema.unwrap() as z.ZodType, path);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
      const inner = child instanceof z.ZodOptional ? child.unwrap() : child;
      if (/amount|price/i.test(key) && inner !== MinorUnits) return [[...path, key].join('.')];
      return moneyNamedButNotMoney(child, [...path, key]);
    });
  }
  if (schema instanceof z.ZodArray) return moneyNamedButNotMoney(schema.element as z.ZodType, [...path, '*']);
  return [];
}

function withValue(data: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  let node: Record<string | number, unknown> = data;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return data;
}

function violation(fn: () => unknown): ContractViolation {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw error;
  }
  throw new Error('expected a ContractViolation, got none');
}

describe('MinorUnits (money)', () => {
  it.each([0, 1, 9_700, Number.MAX_SAFE_INTEGER])('accepts the integer %p', (value) => {
    expect(MinorUnits.safeParse(value).success).toBe(true);
  });

  it.each([0.5, 97.0001, -1, -0.01, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, '9700'])(
    'rejects %p',
    (value) => {
      expect(MinorUnits.safeParse(value).success).toBe(false);
    },
  );
});

describe('money fields of every event', () => {
  const cases = (EVENT_CATALOG as readonly EventDefinition[]).flatMap((definition) =>
    moneyPaths(definition.schema, sampleFor(definition.type)).map((path) => [definition.type, path.join('.'), definition, path] as const),
  );

  it('finds the money fields it is meant to check', () => {
    const paths = moneyPaths(ShopOrderPaid.schema, sampleFor(ShopOrderPaid.type)).map((p) => p.join('.'));
    expect(paths).toEqual(['order.lines.0.unitPrice', 'order.totalAmount', 'payment.amount']);
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each((EVENT_CATALOG as readonly EventDefinition[]).map((d) => [d.type, d] as const))(
    '%s types every amount and price as MinorUnits',
    (_type, definition) => {
      expect(moneyNamedButNotMoney(definition.schema)).toEqual([]);
    },
  );

  it.each(cases)('%s %s rejects a float', (type, shown, definition, path) => {
    const error = violation(() => validateEventData(definition, withValue(sampleFor(type), path, 48.5)));
    expect(error.eventType).toBe(type);
    expect(error.issues.join('\n')).toContain(`${shown}:`);
  });

  it.each(cases)('%s %s rejects a negative amount', (type, shown, definition, path) => {
    const error = violation(() => validateEventData(definition, withValue(sampleFor(type), path, -100)));
    expect(error.issues.join('\n')).toContain(`${shown}:`);
  });
});

describe('Currency', () => {
  it.each(['CNY', 'USD'])('accepts %s', (code) => expect(Currency.safeParse(code).success).toBe(true));
  it.each(['cny', 'RMB¥', 'CN', 'CNYY', ''])('rejects %p', (code) => expect(Currency.safeParse(code).success).toBe(false));
});

describe('Timestamp', () => {
  it.each(['2025-03-01T10:00:00Z', '2025-03-01T10:00:00.123+08:00'])('accepts %s', (value) =>
    expect(Timestamp.safeParse(value).success).toBe(true),
  );
  it.each(['2025-03-01', '2025-03-01 10:00:00', 'yesterday', 1740794400000])('rejects %p', (value) =>
    expect(Timestamp.safeParse(value).success).toBe(false),
  );
});
