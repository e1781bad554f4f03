import { compareListing } from './listing-comparison';

const ours = { title: 'Steam 100', description: 'd', price: { amount: 4850, currency: 'CNY' }, categoryIds: ['b', 'a'], status: 'listed' as const };

describe('compareListing', () => {
  it('compares only what the shop reported, categories in any order', () => {
    expect(compareListing(ours, { price: { amount: 100, currency: 'CNY' }, categoryIds: ['a', 'b'] })).toEqual([
      { field: 'price', ours: '4850 CNY', shops: '100 CNY' },
      { field: 'categories', ours: 'a,b', shops: 'a,b' },
    ]);
  });

  it('notices a currency change at the same amount', () => {
    expect(compareListing(ours, { price: { amount: 4850, currency: 'USD' } })).toEqual([{ field: 'price', ours: '4850 CNY', shops: '4850 USD' }]);
  });
});

describe('compareListing without a currency', () => {
  it('compares the amount in our currency', () => {
    expect(compareListing(ours, { price: { amount: 4850 } })).toEqual([{ field: 'price', ours: '4850 CNY', shops: '4850 CNY' }]);
  });
});
