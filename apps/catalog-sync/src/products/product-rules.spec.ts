import { applyPatch, describeIssues, NewProductInput, ProductPatch, statusChangeProblem, type ProductDefinition } from './product-rules';

const base: ProductDefinition = {
  title: 'Steam 100',
  description: '',
  price: 4850,
  currency: 'CNY',
  deliveryChannels: ['shop'],
  poolMode: 'unique',
  reusableCap: null,
  minPerOrder: 1,
  maxPerOrder: 5,
  lowStockThreshold: 10,
  categories: [],
  status: 'draft',
};

describe('product status', () => {
  it.each([
    ['draft', 'listed'],
    ['listed', 'delisted'],
    ['delisted', 'listed'],
    ['listed', 'listed'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(statusChangeProblem(from, to)).toBeUndefined();
  });

  it.each([
    ['draft', 'delisted'],
    ['listed', 'draft'],
    ['delisted', 'draft'],
  ] as const)('refuses %s → %s and says what is allowed', (from, to) => {
    expect(statusChangeProblem(from, to)).toMatch(new RegExp(`from ${from} to ${to}`));
  });
});

describe('product input', () => {
  it('fills defaults and accepts a minimal product', () => {
    const parsed = NewProductInput.parse({ title: 'Card', price: 100, currency: 'CNY', deliveryChannels: ['email'] });
    expect(parsed).toMatchObject({ description: '', poolMode: 'unique', reusableCap: null, minPerOrder: 1, maxPerOrder: 10, categories: [], status: 'draft' });
  });

  it('names every broken field: floats, zero prices, unknown channels, unknown fields', () => {
    const result = NewProductInput.safeParse({ title: ' ', price: 48.5, currency: 'yuan', deliveryChannels: ['fax'], colour: 'red' });
    expect(result.success).toBe(false);
    const problems = result.success ? [] : describeIssues(result.error);
    expect(problems).toEqual(
      expect.arrayContaining([
        'title: must not be empty',
        expect.stringMatching(/^price: /),
        expect.stringMatching(/^currency: /),
        expect.stringMatching(/^deliveryChannels\.0: /),
        'unknown field(s): colour',
      ]),
    );
  });

  it('refuses an empty patch', () => {
    expect(ProductPatch.safeParse({}).success).toBe(false);
  });
});

describe('applyPatch', () => {
  it('applies a change and keeps the rest', () => {
    expect(applyPatch(base, { price: 5000, status: 'listed' })).toEqual({ product: { ...base, price: 5000, status: 'listed' } });
  });

  it('refuses min above max, a cap on a unique pool and a forbidden status change together', () => {
    const result = applyPatch({ ...base, status: 'listed' }, { minPerOrder: 9, reusableCap: 3, status: 'draft' });
    expect(result).toEqual({
      problems: ['minPerOrder (9) must not exceed maxPerOrder (5)', 'reusableCap applies only to poolMode reusable', expect.stringMatching(/from listed to draft/)],
    });
  });

  it('drops the cap when the pool becomes unique', () => {
    expect(applyPatch({ ...base, poolMode: 'reusable', reusableCap: 3 }, { poolMode: 'unique' })).toEqual({ product: { ...base, poolMode: 'unique', reusableCap: null } });
  });
});
