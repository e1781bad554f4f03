/**
 * How many units the shop may show for a listing, and how to move the shop
 * there without over-promising.
 *
 * The shop lowers its own stock on every sale, before we hear of the sale. So
 * we never send an absolute count (it would overwrite sales made while it was
 * in flight); we send deltas against `believed`: the stock we think the shop
 * has, given what we told it and the sales we have heard of.
 *
 * Invariant: believed = the shop's real stock + the sales we have not heard
 * of yet. A sale lowers the real stock first and `believed` when we hear of
 * it; an adjustment moves both by what the shop applied. So sending
 * `sellable − believed` brings the shop to sellable minus the unheard sales,
 * which is exactly what it may sell: those sales are in no count yet.
 *
 * The shop floors at zero: a decrease sent while sales are on their way to us
 * can meet a stock those sales already took, and the shop applies only part
 * of it. Moving `believed` by the delta we asked for would then drop the
 * unheard sales from it, and the next raise would offer them again (the
 * sell-out race failed exactly so); so the shop answers how much it applied,
 * and `believed` moves by that.
 */
export interface StockFigures {
  /** Cards card-inventory can still allocate (last StockChanged). */
  available: number;
  /** Units the shop sold whose allocation has not yet shown in `available`. */
  inFlight: number;
  /** Units held back from the shop to absorb what we cannot see yet. */
  safetyMargin: number;
}

/** What the shop should show: available minus in-flight orders minus the margin, never below zero. */
export function sellable(figures: StockFigures): number {
  return Math.max(0, figures.available - figures.inFlight - figures.safetyMargin);
}

/** The adjustment that brings the shop from what we believe it shows to the target; 0 means no call. */
export function adjustmentTowards(target: number, believed: number): number {
  return target - believed;
}

/**
 * `believed` after hearing of a sale of `quantity`: the shop already lowered
 * itself. Not floored at zero: a sale made after an adjustment the shop has
 * applied but we have not recorded yet can be heard first, and `believed` is
 * below zero until the adjustment is recorded. Flooring there would leave
 * `believed` above the truth for good and the shop short of what it may sell.
 */
export function believedAfterSale(believed: number, quantity: number): number {
  return believed - quantity;
}

/** `believed` after the shop confirmed our adjustment: moved by what the shop says it applied (it floors at zero), not by what we asked. */
export function believedAfterAdjustment(believed: number, applied: number): number {
  return believed + applied;
}

/**
 * When the next stock call for a listing may go out: bursts of changes
 * coalesce into at most one call per `minIntervalMs`.
 */
export function nextStockCallAt(lastCallAt: number | undefined, now: number, minIntervalMs: number): number {
  return lastCallAt === undefined ? now : Math.max(now, lastCallAt + minIntervalMs);
}

export type StockCheck =
  | { kind: 'in-step' }
  /** The shop shows more than we believe: a change we never heard of. Fix now: lower it. */
  | { kind: 'over'; shopStock: number }
  /** The shop shows less: sales on their way to us explain that, so fix only when it persists. */
  | { kind: 'under'; shopStock: number; persistent: boolean };

/**
 * Reconciliation's view of one listing's stock. `previousShortfall` is the
 * shortfall seen by the previous run (if any): a shortfall that is still there,
 * at least as large, with no sale heard of in between, is not sales in transit.
 */
export function checkShopStock(shopStock: number, believed: number, previousShortfall: number | undefined, salesSincePrevious: boolean): StockCheck {
  if (shopStock === believed) return { kind: 'in-step' };
  if (shopStock > believed) return { kind: 'over', shopStock };
  const shortfall = believed - shopStock;
  const persistent = previousShortfall !== undefined && !salesSincePrevious && shortfall >= previousShortfall;
  return { kind: 'under', shopStock, persistent };
}
