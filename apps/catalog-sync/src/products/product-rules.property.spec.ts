import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { parseInput } from '../http-input';
import { definitionProblems, NewProductInput, ProductPatch } from './product-rules';

const INJECTIONS = ["Robert'); DROP TABLE products;--", '<script>alert("x")</script>', '" onfocus="alert(1)', '{{constructor.constructor("alert(1)")()}}', '\u0000'];
const text = fc.oneof(fc.string({ maxLength: 250 }), fc.constantFrom(...INJECTIONS));
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

/** Mostly plausible values, sometimes anything at all: both sides of every bound get exercised. */
const mostly = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ arbitrary: plausible, weight: 6 }, { arbitrary: anyValue, weight: 1 });

const fields = {
  productId: mostly(fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/)),
  title: mostly(text),
  description: mostly(fc.oneof(text, fc.constant('x'.repeat(5_001)))),
  price: mostly(fc.oneof(fc.integer({ min: -5, max: 100_000_005 }), fc.double())),
  currency: mostly(fc.constantFrom('CNY', 'USD', 'cny', 'XXXX')),
  deliveryChannels: mostly(fc.array(fc.constantFrom('shop', 'email', 'sms', 'pickup', 'fax'), { maxLength: 3 })),
  poolMode: mostly(fc.constantFrom('unique', 'reusable')),
  reusableCap: mostly(fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 1_000_001 }))),
  minPerOrder: mostly(fc.integer({ min: 0, max: 1_001 })),
  maxPerOrder: mostly(fc.integer({ min: 0, max: 1_001 })),
  lowStockThreshold: mostly(fc.integer({ min: -1, max: 1_000_001 })),
  categories: mostly(fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/), text), { maxLength: 22 })),
  status: mostly(fc.constantFrom('draft', 'listed', 'delisted')),
};
/** The smallest sound product: without it, so few generated bodies pass every bound that a run could accept none. */
const soundProduct = fc.record({
  title: fc.constantFrom('Steam wallet 50', '腾讯视频月卡', ...INJECTIONS.filter((i) => i.trim() !== '\u0000')),
  price: fc.integer({ min: 1, max: 100_000_000 }),
  currency: fc.constant('CNY'),
  deliveryChannels: fc.constantFrom(['shop'], ['email', 'shop'], ['sms']),
});
/** A body as a client sends it: some fields, now and then one the API does not know. */
const body = fc.oneof(
  { arbitrary: soundProduct, weight: 1 },
  { arbitrary: fc.record(fields, { requiredKeys: ['title', 'price', 'currency', 'deliveryChannels'] }), weight: 4 },
  { arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 2 },
  { arbitrary: fc.record({ ...fields, unknownField: anyValue }, { requiredKeys: ['unknownField'] }), weight: 1 },
  { arbitrary: anyValue, weight: 1 },
);

/**
 * A change as a client sends it: mostly the changeable fields, else any body.
 * Drawn from `body` alone, a change was accepted once or twice in 5,000 (a
 * productId or one bad field among thirteen refuses it), so now and then a run
 * accepted none and the test failed by chance.
 */
const { productId: _productId, ...changeableFields } = fields;
const changeBody = fc.oneof({ arbitrary: fc.record(changeableFields, { requiredKeys: [] }), weight: 4 }, { arbitrary: body, weight: 2 });

describe('catalog-sync product input under generated bodies', () => {
  it('a new product is accepted only with every field in its bounds and the text kept as sent (trimmed title); else a 400', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (sent) => {
        const product = parsedOrRefused(() => parseInput(NewProductInput, sent, 'product'));
        if (product === undefined) return;
        accepted += 1;
        expect(product.title).toBe(String((sent as Record<string, unknown>)['title']).trim());
        expect(product.title.length).toBeGreaterThan(0);
        expect(Number.isInteger(product.price) && product.price > 0 && product.price <= 100_000_000).toBe(true);
        expect(new Set(product.deliveryChannels).size).toBe(product.deliveryChannels.length);
        expect(product.categories.length).toBeLessThanOrEqual(20);
        expect(() => definitionProblems(product)).not.toThrow();
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('a change is accepted only with at least one known field, each in its bounds; else a 400', () => {
    let accepted = 0;
    fc.assert(
      fc.property(changeBody, (sent) => {
        const patch = parsedOrRefused(() => parseInput(ProductPatch, sent, 'product change'));
        if (patch === undefined) return;
        accepted += 1;
        expect(Object.keys(patch).length).toBeGreaterThan(0);
        expect(Object.keys(sent as object)).not.toContain('unknownField');
        expect(Object.keys(sent as object)).not.toContain('productId');
        if (patch.title !== undefined) expect(patch.title.trim()).toBe(patch.title);
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
