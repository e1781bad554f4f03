import { orderLinesProblem, shortages } from './order-lines';

const lines = [
  { lineId: 'l1', productId: 'p1', quantity: 2 },
  { lineId: 'l2', productId: 'p2', quantity: 1 },
];

describe('shortages', () => {
  it('is empty when every line got its quantity', () => {
    expect(shortages(lines, new Map([['l1', 2], ['l2', 1]]))).toEqual([]);
  });

  it('names each line that got fewer cards, with what it got', () => {
    expect(shortages(lines, new Map([['l1', 1]]))).toEqual([
      { lineId: 'l1', productId: 'p1', requested: 2, available: 1 },
      { lineId: 'l2', productId: 'p2', requested: 1, available: 0 },
    ]);
  });
});

describe('orderLinesProblem', () => {
  it('accepts distinct line ids and refuses a repeated one', () => {
    expect(orderLinesProblem(lines)).toBeUndefined();
    expect(orderLinesProblem([...lines, { lineId: 'l1', productId: 'p3', quantity: 1 }])).toBe('line l1 appears twice');
  });
});
