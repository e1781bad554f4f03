import { allocationCounts } from './allocation-counts';

describe('allocationCounts', () => {
  it('counts every line of a fulfilled order as allocated and the cards it took per product', () => {
    const counts = allocationCounts(
      {
        status: 'allocated',
        orderId: 'o1',
        allocationId: 'a1',
        replayed: false,
        lines: [
          { lineId: 'L1', productId: 'steam-50', cardIds: ['c1', 'c2', 'c3'] },
          { lineId: 'L2', productId: 'netflix-1m', cardIds: ['c4'] },
          { lineId: 'L3', productId: 'steam-50', cardIds: ['c5'] },
        ],
      },
      'first',
    );
    expect(counts.lines).toEqual([
      { product: 'steam-50', outcome: 'allocated' },
      { product: 'netflix-1m', outcome: 'allocated' },
      { product: 'steam-50', outcome: 'allocated' },
    ]);
    expect([...counts.cards]).toEqual([
      ['steam-50', 4],
      ['netflix-1m', 1],
    ]);
  });

  it('counts only the short lines of an order that has to wait, and no cards', () => {
    const waiting = {
      status: 'waiting' as const,
      orderId: 'o2',
      replayed: false,
      missing: [{ lineId: 'L2', productId: 'netflix-1m', requested: 2, available: 1 }],
    };
    expect(allocationCounts(waiting, 'first')).toEqual({ lines: [{ product: 'netflix-1m', outcome: 'out_of_stock' }], cards: new Map() });
    // A backorder round that is still short was counted when the order started waiting.
    expect(allocationCounts(waiting, 'backorder')).toEqual({ lines: [], cards: new Map() });
  });

  it('counts a backorder that gets its cards like any allocation', () => {
    const counts = allocationCounts(
      { status: 'allocated', orderId: 'o3', allocationId: 'a3', replayed: false, lines: [{ lineId: 'L1', productId: 'steam-50', cardIds: ['c1', 'c2'] }] },
      'backorder',
    );
    expect(counts).toEqual({ lines: [{ product: 'steam-50', outcome: 'allocated' }], cards: new Map([['steam-50', 2]]) });
  });

  it('counts nothing for a redelivered order or a cancelled one', () => {
    const none = { lines: [], cards: new Map() };
    expect(
      allocationCounts({ status: 'allocated', orderId: 'o1', allocationId: 'a1', replayed: true, lines: [{ lineId: 'L1', productId: 'steam-50', cardIds: ['c1'] }] }, 'first'),
    ).toEqual(none);
    expect(allocationCounts({ status: 'waiting', orderId: 'o2', replayed: true, missing: [{ lineId: 'L1', productId: 'x', requested: 1, available: 0 }] }, 'first')).toEqual(
      none,
    );
    expect(allocationCounts({ status: 'cancelled', orderId: 'o4', replayed: true }, 'first')).toEqual(none);
  });
});
