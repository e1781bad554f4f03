import { DistinctTotals } from './distinct-window-counter';
import { CounterSnapshot, OrderFeatures } from './order-features';
import { WindowTotals } from './sliding-window-counter';
import { BurstWindowId, WindowId } from './windows';

/** Test support: features of a one-line order with nothing counted but itself, overridable piece by piece. */
export function someFeatures(overrides: Partial<OrderFeatures> = {}): OrderFeatures {
  return {
    orderId: 'order-1',
    buyerId: 'buyer-1',
    amount: 10_000,
    currency: 'CNY',
    lines: [{ productId: 'product-1', quantity: 1, amount: 10_000 }],
    isNewBuyer: false,
    counters: counters(),
    ...overrides,
  };
}

export function counters(overrides: Partial<CounterSnapshot> = {}): CounterSnapshot {
  return {
    velocity: { buyerId: windows({ count: 1, amount: 10_000 }) },
    identicalAmount: {
      shop: burstWindows({ count: 1, distinct: 1 }),
      products: new Map([['product-1', burstWindows({ count: 1, distinct: 1 })]]),
    },
    identicalAmountDay: { shop: 1, products: new Map([['product-1', 1]]) },
    buyerProductDay: new Map([['product-1', { quantity: 1, amount: 10_000 }]]),
    ...overrides,
  };
}

export function windows(
  totals: WindowTotals,
  overrides: Partial<Record<WindowId, WindowTotals>> = {},
): Record<WindowId, WindowTotals> {
  return { '1m': totals, '1h': totals, '24h': totals, ...overrides };
}

export function burstWindows(
  totals: DistinctTotals,
  overrides: Partial<Record<BurstWindowId, DistinctTotals>> = {},
): Record<BurstWindowId, DistinctTotals> {
  return { '1m': totals, '10m': totals, ...overrides };
}
