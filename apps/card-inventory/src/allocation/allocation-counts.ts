import type { AllocationOutcome } from './allocation.service';

export type LineOutcome = 'allocated' | 'out_of_stock';

export const LINE_OUTCOMES: readonly LineOutcome[] = ['allocated', 'out_of_stock'];

export interface AllocationCounts {
  /** One entry per order line counted in `cardlink_allocations_total`. */
  lines: { product: string; outcome: LineOutcome }[];
  /** Cards taken per product, for `cardlink_cards_allocated_total`. */
  cards: Map<string, number>;
}

/**
 * What one allocation attempt adds to the stock metrics. A replayed outcome
 * (a redelivered event) adds nothing. An order that falls short counts each
 * short line as `out_of_stock`; its other lines took no cards (all or
 * nothing), so they count only when the order is fulfilled. A backorder that
 * is still short is not counted again: its lines were counted when it started
 * waiting, and a retry per backorder round would make the rate follow the
 * worker's timer instead of the buyers.
 */
export function allocationCounts(outcome: AllocationOutcome, attempt: 'first' | 'backorder'): AllocationCounts {
  const counts: AllocationCounts = { lines: [], cards: new Map() };
  if (outcome.replayed) return counts;
  switch (outcome.status) {
    case 'allocated':
      for (const line of outcome.lines) {
        counts.lines.push({ product: line.productId, outcome: 'allocated' });
        counts.cards.set(line.productId, (counts.cards.get(line.productId) ?? 0) + line.cardIds.length);
      }
      return counts;
    case 'waiting':
      if (attempt === 'first') for (const line of outcome.missing) counts.lines.push({ product: line.productId, outcome: 'out_of_stock' });
      return counts;
    case 'cancelled':
      return counts;
  }
}
