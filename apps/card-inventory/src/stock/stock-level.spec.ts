import { decideStock } from './stock-level';

describe('decideStock', () => {
  it('publishes the first count of a product with sequence 1', () => {
    expect(decideStock(undefined, 10, 0)).toEqual({ changed: { available: 10, sequence: 1 }, next: { available: 10, sequence: 1, low: false } });
  });

  it('publishes nothing when the count did not change', () => {
    expect(decideStock({ available: 10, sequence: 4, low: false }, 10, 5)).toEqual({ next: { available: 10, sequence: 4, low: false } });
  });

  it('announces low stock once per crossing and re-arms when stock is back at the threshold', () => {
    const first = decideStock({ available: 6, sequence: 1, low: false }, 4, 5);
    expect(first.low).toEqual({ available: 4, threshold: 5 });
    const second = decideStock(first.next, 2, 5);
    expect(second.low).toBeUndefined();
    expect(second.changed).toEqual({ available: 2, sequence: 3 });
    const refilled = decideStock(second.next, 5, 5);
    expect(refilled.next.low).toBe(false);
    expect(decideStock(refilled.next, 4, 5).low).toEqual({ available: 4, threshold: 5 });
  });

  it('never announces low stock with a threshold of 0', () => {
    expect(decideStock({ available: 1, sequence: 1, low: false }, 0, 0).low).toBeUndefined();
  });

  it('publishes an unchanged count when it is the first to include new allocations', () => {
    expect(decideStock({ available: 10, sequence: 4, low: false }, 10, 0, true)).toEqual({
      changed: { available: 10, sequence: 5 },
      next: { available: 10, sequence: 5, low: false },
    });
  });
});
