/**
 * What happened to each order the benchmark placed, from the shop's side:
 * when it was paid (the webhook left), when its last card arrived, or whether
 * it was refunded or refused. Fed incrementally from the simulator's records.
 */
export interface TrackedOrder {
  step: number;
  quantity: number;
  paidAt: number;
  delivered: number;
  completedAt?: number;
  refundedAt?: number;
  refused?: boolean;
}

export interface FulfilmentRecord {
  seq: number;
  at: string;
  shopOrderId: string;
  cards: readonly unknown[];
}

export interface RefundRecord {
  seq: number;
  at: string;
  shopOrderId: string;
}

export class OrderTracker {
  readonly orders = new Map<string, TrackedOrder>();
  private fulfilmentSeq = 0;
  private refundSeq = 0;

  paid(shopOrderId: string, step: number, quantity: number, at: number): void {
    this.orders.set(shopOrderId, { step, quantity, paidAt: at, delivered: 0 });
  }

  /** The shop refused the sale (out of stock, delisted): nothing for cardlink to do. */
  refused(shopOrderId: string): void {
    const order = this.orders.get(shopOrderId);
    if (order) order.refused = true;
  }

  /** Records in seq order; those seen before are skipped. */
  ingest(fulfilments: readonly FulfilmentRecord[], refunds: readonly RefundRecord[]): void {
    for (const record of fulfilments) {
      if (record.seq <= this.fulfilmentSeq) continue;
      this.fulfilmentSeq = record.seq;
      const order = this.orders.get(record.shopOrderId);
      if (!order) continue;
      order.delivered += record.cards.length;
      if (order.completedAt === undefined && order.delivered >= order.quantity) order.completedAt = Date.parse(record.at);
    }
    for (const record of refunds) {
      if (record.seq <= this.refundSeq) continue;
      this.refundSeq = record.seq;
      const order = this.orders.get(record.shopOrderId);
      if (order && order.refundedAt === undefined) order.refundedAt = Date.parse(record.at);
    }
  }

  get lastSeqs(): { fulfilment: number; refund: number } {
    return { fulfilment: this.fulfilmentSeq, refund: this.refundSeq };
  }

  /** Paid orders with neither all their cards nor a refund yet. */
  inFlight(step?: number): number {
    let count = 0;
    for (const order of this.orders.values()) {
      if (step !== undefined && order.step !== step) continue;
      if (!order.refused && order.completedAt === undefined && order.refundedAt === undefined) count += 1;
    }
    return count;
  }

  /** Orders (of any step) whose last card arrived within [from, to). */
  completedBetween(from: number, to: number): number {
    let count = 0;
    for (const order of this.orders.values()) if (order.completedAt !== undefined && order.completedAt >= from && order.completedAt < to) count += 1;
    return count;
  }

  ofStep(step: number): TrackedOrder[] {
    return [...this.orders.values()].filter((order) => order.step === step);
  }
}
