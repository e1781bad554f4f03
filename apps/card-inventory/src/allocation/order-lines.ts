import type { OrderLineRequest } from '@cardlink/contracts';

export interface LineShortage {
  lineId: string;
  productId: string;
  requested: number;
  available: number;
}

/** Why an approved order cannot be processed as sent; such an event is bad data, not a passing failure. */
export function orderLinesProblem(lines: readonly OrderLineRequest[]): string | undefined {
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.lineId)) return `line ${line.lineId} appears twice`;
    seen.add(line.lineId);
  }
  return undefined;
}

/**
 * The lines that got fewer cards than they asked for. An order is fulfilled
 * only when this is empty: all of its lines or none.
 */
export function shortages(lines: readonly OrderLineRequest[], taken: ReadonlyMap<string, number>): LineShortage[] {
  return lines
    .filter((line) => (taken.get(line.lineId) ?? 0) < line.quantity)
    .map((line) => ({ lineId: line.lineId, productId: line.productId, requested: line.quantity, available: taken.get(line.lineId) ?? 0 }));
}
