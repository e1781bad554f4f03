/** A waiting order or replacement and the products it waits for. */
export interface WaitingItem {
  key: string;
  productIds: readonly string[];
}

/**
 * Which waiting items to try, oldest first. Once an item of a product could
 * not be served, younger items of that product are not tried in this round:
 * new cards go to the oldest waiter, so a large order is never starved by a
 * stream of small ones. Items of other products are still served.
 */
export class BackorderQueue {
  private readonly blocked = new Set<string>();

  mayTry(item: WaitingItem): boolean {
    return item.productIds.every((p) => !this.blocked.has(p));
  }

  stillShort(productIds: Iterable<string>): void {
    for (const p of productIds) this.blocked.add(p);
  }
}
