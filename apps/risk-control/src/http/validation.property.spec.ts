import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { buildRuleSet, RuleSetDefinition } from '../assessment/rule-set-definition';
import { IDENTITY_FIELDS, normaliseIdentifier } from '../lists/identifiers';
import { LIST_KINDS, ListEntryInput } from '../lists/list-entry';
import { INITIAL_RULE_SET } from '../rule-sets/initial-rule-set';
import { parseRequest } from './validation';

const INJECTIONS = ["'; DROP TABLE list_entries; --", '<img src=x onerror=alert(1)>', '1 OR 1=1', '%00', '../../etc/passwd', 'a@b.c"><script>'];
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(...INJECTIONS));
/** Values of every JSON type, so a field of the wrong type is as likely as a wrong value. */
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

/** Parses like the admin API does: a value, or a 400 naming the problems; anything else is a crash. */
function parsedOrRefused<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getStatus()).toBe(400);
    return undefined;
  }
}

describe('risk-control request parsing under generated input', () => {
  it('a list entry is stored normalised and comparable, or refused with a 400, whatever was sent', () => {
    const entry = fc.record(
      {
        id: fc.oneof(fc.uuid(), text),
        kind: fc.oneof(fc.constantFrom(...LIST_KINDS), anyValue),
        field: fc.oneof(fc.constantFrom(...IDENTITY_FIELDS), anyValue),
        value: fc.oneof(text, fc.emailAddress(), fc.constantFrom('+86 138 1234 5678', '203.0.113.7', '::1'), anyValue),
        overridable: fc.oneof(fc.boolean(), anyValue),
        expiresAt: fc.oneof(fc.constant(null), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyValue),
        setBy: text,
        reason: text,
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(entry, anyValue), (body) => {
        const parsed = parsedOrRefused(() => parseRequest(ListEntryInput, body));
        if (parsed === undefined) return;
        accepted += 1;
        expect(normaliseIdentifier(parsed.field, parsed.value)).toBe(parsed.value);
        expect(parsed.reason.length).toBeGreaterThan(0);
        expect(parsed.expiresAt === null || !Number.isNaN(parsed.expiresAt.getTime())).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    // The generator reaches the valid side too, so the properties of an accepted entry are exercised.
    expect(accepted).toBeGreaterThan(0);
  });

  it('a rule set the parser accepts can always be built into rules; anything else is a 400', () => {
    const rule = fc.record(
      {
        id: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), text),
        kind: fc.oneof(fc.constantFrom('velocity', 'identical-amount-burst', 'limit', 'new-buyer-high-value'), anyValue),
        mode: fc.oneof(fc.constantFrom('live', 'shadow'), anyValue),
        weight: fc.oneof(fc.integer({ min: -100, max: 200 }), anyValue),
        dimension: fc.oneof(fc.constantFrom('buyerId', 'deviceId', 'ip', 'email', 'phone', 'paymentAccount'), anyValue),
        scope: fc.oneof(fc.constantFrom('shop', 'buyer', 'product'), anyValue),
        window: fc.oneof(fc.constantFrom('1m', '10m', '1h', '24h'), anyValue),
        maxOrders: fc.oneof(fc.nat(50), anyValue),
        maxAmount: fc.oneof(fc.nat(1_000_000), anyValue),
        minOrders: fc.oneof(fc.nat(50), anyValue),
        minDistinctBuyers: fc.oneof(fc.nat(50), anyValue),
      },
      { requiredKeys: ['id', 'kind', 'mode', 'weight'] },
    );
    const ruleSet = fc.record(
      {
        version: fc.oneof(fc.nat(10), anyValue),
        currency: fc.oneof(fc.constantFrom('CNY', 'USD', 'cny', ''), anyValue),
        thresholds: fc.oneof(fc.record({ review: fc.integer({ min: -10, max: 200 }), reject: fc.integer({ min: -10, max: 200 }) }), anyValue),
        watchWeight: fc.oneof(fc.integer({ min: 0, max: 100 }), anyValue),
        rules: fc.oneof(fc.array(rule, { maxLength: 5 }), anyValue),
      },
      { requiredKeys: [] },
    );
    // Sound rule sets too (the initial one's rules, in any subset and with other thresholds), or nearly every
    // generated set is refused and the build property would rest on a lucky case.
    const soundRuleSet = fc.record({
      version: fc.nat(10),
      currency: fc.constantFrom('CNY', 'USD'),
      thresholds: fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })).map(([a, b]) => ({ review: Math.min(a, b), reject: Math.max(a, b) })),
      watchWeight: fc.integer({ min: 0, max: 100 }),
      rules: fc.subarray([...INITIAL_RULE_SET.rules]),
    });
    let built = 0;
    fc.assert(
      fc.property(fc.oneof(ruleSet, soundRuleSet), (body) => {
        const parsed = parsedOrRefused(() => parseRequest(RuleSetDefinition, body));
        if (parsed === undefined) return;
        expect(() => buildRuleSet(parsed)).not.toThrow();
        built += 1;
      }),
      { numRuns: 3_000 },
    );
    expect(built).toBeGreaterThan(100);
  });
});
