/**
 * How many units the shop may show for a listing, and how to move the shop
 * there without over-promising.
 *
 * The shop lowers its own stock on every sale, before we hear of the sale. So
 * we never send an absolute count (it would overwrite sales made while it was
 * in flight); we send deltas against `believed`: the stock we think the shop
 * has, given what we told it and the sales we have heard of.
 *
 * Invariant: the shop's real stock ≤ believed. Our adjustments move both by
 * the same delta, and a sale lowers the real stock first and `believed`
 * later, when we hear of it. Since we only ever move `believed` to the
 * sellable target, the shop never shows more than can be sold as far as we
 * know.
 *
 * One exception to "the same delta": the shop floors at zero. A decrease sent
 * while sales are on their way to us (card-inventory counted them before we
 * heard of them) can hit that floor, and the shop absorbs part of it that
 * `believed` does not. Once we raise the stock again, hearing those sales
 * would take `believed` below the real stock by the absorbed part, and the
 * shop would over-promise by it. So when the shop answers zero, all of
 * `believed` is sales made before that answer that we have not heard of yet,
 * and those sales, when heard, lower `believed` by that much at most (see
 * afterSaleMadeBeforeZero).
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
 * itself. Floored at zero: a shop at zero refuses sales, so a sale larger than
 * what we believed means the shop had more than we thought (a change we have
 * not heard of yet, or our last decrease floored there), and its real stock is
 * now at least zero, not below.
 */
export function believedAfterSale(believed: number, quantity: number): number {
  return Math.max(0, believed - quantity);
}

export interface BelievedStock {
  believed: number;
  /** What is left of `believed` at the shop's last zero answer (all of it unheard sales made before that answer). */
  unheardAtZero: number;
}

/**
 * Hearing of a sale the shop made before its last answer of zero: it lowers
 * `believed` only out of what `believed` held at that answer; the rest of it
 * is in the zero already (the shop's floor absorbed it).
 */
export function afterSaleMadeBeforeZero(stock: BelievedStock, quantity: number): BelievedStock {
  const taken = Math.min(quantity, stock.unheardAtZero);
  return { believed: Math.max(0, stock.believed - taken), unheardAtZero: stock.unheardAtZero - taken };
}

/** `believed` after the shop confirmed our adjustment. */
export function believedAfterAdjustment(believed: number, delta: number): number {
  return Math.max(0, believed + delta);
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
