import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { CardListQuery, parseRequest, PoolSettings, productIdParam, Reason, uuidParam } from './admin-requests';

const INJECTIONS = ["1; DELETE FROM cards WHERE '1'='1", '<b onmouseover=alert(1)>', '../../../etc/shadow', '%27%20OR%201%3D1', '\u202egnp.exe'];
const text = fc.oneof(fc.string({ maxLength: 600 }), fc.constantFrom(...INJECTIONS));
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

function parsedOrRefused<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getStatus()).toBe(400);
    return undefined;
  }
}

describe('card-inventory admin input under generated requests', () => {
  it('a card list query is in its bounds or a 400, whatever the query string held', () => {
    // Express gives strings, arrays of strings (repeated keys) and nested objects (a[b]=c).
    const queryValue = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }), fc.integer().map(String));
    const query = fc.record({ status: fc.oneof(fc.constantFrom('available', 'allocated', 'voided'), queryValue), limit: queryValue, offset: queryValue }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(query, anyValue), (given) => {
        const parsed = parsedOrRefused(() => parseRequest(CardListQuery, given, 'query'));
        if (parsed === undefined) return;
        expect(Number.isInteger(parsed.limit) && parsed.limit >= 1 && parsed.limit <= 500).toBe(true);
        expect(Number.isInteger(parsed.offset) && parsed.offset >= 0).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('pool settings, reasons, product ids and card ids are accepted in their bounds or refused with a 400', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.record({ mode: anyValue, reusableCap: anyValue, lowStockThreshold: anyValue, extra: anyValue }, { requiredKeys: [] }), anyValue),
        fc.oneof(fc.record({ reason: text }), anyValue),
        text,
        fc.oneof(fc.uuid(), text),
        (pool, reason, productId, cardId) => {
          const settings = parsedOrRefused(() => parseRequest(PoolSettings, pool, 'pool settings'));
          if (settings?.lowStockThreshold !== undefined) expect(settings.lowStockThreshold).toBeLessThanOrEqual(1_000_000);
          const why = parsedOrRefused(() => parseRequest(Reason, reason, 'void'));
          if (why !== undefined) expect(why.reason.trim().length).toBeGreaterThan(0);
          if (parsedOrRefused(() => productIdParam(productId)) !== undefined) expect(productId.length).toBeLessThanOrEqual(128);
          parsedOrRefused(() => uuidParam(cardId, 'cardId'));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
