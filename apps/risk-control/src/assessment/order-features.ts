import { Identity } from '../lists/identifiers';
import { DistinctTotals } from './distinct-window-counter';
import { WindowTotals } from './sliding-window-counter';
import { BurstWindowId, WindowId } from './windows';

/** The identifiers that velocity is counted on. */
export const VELOCITY_DIMENSIONS = ['buyerId', 'deviceId', 'ip', 'paymentAccount'] as const;
export type VelocityDimension = (typeof VELOCITY_DIMENSIONS)[number];

export interface OrderLineFeatures {
  readonly productId: string;
  readonly quantity: number;
  /** quantity × unit price, minor units */
  readonly amount: number;
}

export interface ProductDayTotals {
  readonly quantity: number;
  readonly amount: number;
}

/**
 * The counters as they stand with this order already counted: "orders in the
 * last hour" includes the order being assessed.
 */
export interface CounterSnapshot {
  /** per identifier present on the order, orders and amount per window */
  readonly velocity: { readonly [D in VelocityDimension]?: Readonly<Record<WindowId, WindowTotals>> };
  /** orders of exactly this order's amount and their distinct buyers */
  readonly identicalAmount: {
    readonly shop: Readonly<Record<BurstWindowId, DistinctTotals>>;
    /** per product of the order: orders of this amount that contain the product */
    readonly products: ReadonlyMap<string, Readonly<Record<BurstWindowId, DistinctTotals>>>;
  };
  /** orders of exactly this amount over the rolling day: the usual rate a burst is measured against */
  readonly identicalAmountDay: {
    readonly shop: number;
    readonly products: ReadonlyMap<string, number>;
  };
  /** this buyer's units and amount per product of the order over the rolling day */
  readonly buyerProductDay: ReadonlyMap<string, ProductDayTotals>;
}

/** Everything a rule may look at. Rules read only this; they never query. */
export interface OrderFeatures extends Identity {
  readonly orderId: string;
  /** order total, minor units */
  readonly amount: number;
  readonly currency: string;
  readonly lines: readonly OrderLineFeatures[];
  /** no earlier order of this buyer id was counted */
  readonly isNewBuyer: boolean;
  readonly counters: CounterSnapshot;
}

export function productIds(features: OrderFeatures): string[] {
  return [...new Set(features.lines.map((line) => line.productId))];
}

export function totalQuantity(features: OrderFeatures, productId?: string): number {
  return features.lines
    .filter((line) => productId === undefined || line.productId === productId)
    .reduce((sum, line) => sum + line.quantity, 0);
}

export function totalAmount(features: OrderFeatures, productId?: string): number {
  return features.lines
    .filter((line) => productId === undefined || line.productId === productId)
    .reduce((sum, line) => sum + line.amount, 0);
}
