/** What was last published for a product. */
export interface PublishedStock {
  available: number;
  sequence: number;
  low: boolean;
}

export interface StockDecision {
  /** Publish StockChanged with this sequence. */
  changed?: { available: number; sequence: number };
  /** Publish StockLow: the count fell below the threshold since the last crossing. */
  low?: { available: number; threshold: number };
  next: PublishedStock;
}

/**
 * What to publish for a product's current count. StockChanged when the count
 * differs from the last one published, or when it is the first to include
 * some orders' allocations (an uncapped reusable pool's count never moves, yet
 * catalog-sync must learn those sales are counted); other marks send nothing.
 * StockLow once when the count falls below the threshold; it re-arms only
 * after the count is back at or above it. A threshold of 0 never fires.
 */
export function decideStock(previous: PublishedStock | undefined, available: number, threshold: number, countsNewAllocations = false): StockDecision {
  const isLow = available < threshold;
  const changed = previous === undefined || previous.available !== available || countsNewAllocations;
  const sequence = changed ? (previous?.sequence ?? 0) + 1 : (previous?.sequence ?? 0);
  return {
    ...(changed ? { changed: { available, sequence } } : {}),
    ...(isLow && !previous?.low ? { low: { available, threshold } } : {}),
    next: { available, sequence, low: isLow },
  };
}
