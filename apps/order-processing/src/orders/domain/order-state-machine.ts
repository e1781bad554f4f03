/**
 * The order's lifecycle as a table: each trigger leads to exactly one state and
 * is allowed only from the states listed for it. Everything not in the table is
 * an IllegalTransition.
 */

import { ORDER_STATES, type OrderState } from '@cardlink/contracts';

export { ORDER_STATES, type OrderState };

interface TransitionRule {
  to: OrderState;
  from: readonly OrderState[];
}

/** States in which the buyer's money has been received and not yet returned. */
const HOLDING_MONEY: readonly OrderState[] = [
  'PAID',
  'IN_REVIEW',
  'APPROVED',
  'REJECTED',
  'ALLOCATED',
  'OUT_OF_STOCK',
  'DELIVERED',
  'DELIVERY_FAILED',
  'COMPLETED',
  'REFUND_REQUESTED',
];

export const TRANSITIONS = {
  /** A payment matched the order by shop order id, amount and currency. */
  'payment-matched': { to: 'PAID', from: ['AWAITING_PAYMENT'] },
  /** A payment that does not fit (wrong amount or currency, order cancelled) waits for a person. */
  'payment-held': { to: 'IN_REVIEW', from: ['AWAITING_PAYMENT', 'CANCELLED'] },
  'review-required': { to: 'IN_REVIEW', from: ['PAID'] },
  // From IN_REVIEW: a reviewer's decision arrives as a new assessment.
  'risk-approved': { to: 'APPROVED', from: ['PAID', 'IN_REVIEW'] },
  'risk-rejected': { to: 'REJECTED', from: ['PAID', 'IN_REVIEW'] },
  // From OUT_OF_STOCK: the backorder is filled when cards arrive.
  'cards-allocated': { to: 'ALLOCATED', from: ['APPROVED', 'OUT_OF_STOCK'] },
  'out-of-stock': { to: 'OUT_OF_STOCK', from: ['APPROVED'] },
  // From DELIVERY_FAILED: another channel (or a retry) still reached the buyer.
  delivered: { to: 'DELIVERED', from: ['ALLOCATED', 'DELIVERY_FAILED'] },
  'delivery-failed': { to: 'DELIVERY_FAILED', from: ['ALLOCATED'] },
  // Staff asked delivery to try the allocated cards again: back to waiting for a delivery outcome.
  'delivery-retried': { to: 'ALLOCATED', from: ['DELIVERY_FAILED'] },
  completed: { to: 'COMPLETED', from: ['DELIVERED'] },
  // Not once cards are allocated: they may already be on their way to the buyer,
  // so that case is an after-sale matter, not a cancellation.
  cancelled: { to: 'CANCELLED', from: ['AWAITING_PAYMENT', 'PAID', 'IN_REVIEW', 'APPROVED', 'OUT_OF_STOCK', 'DELIVERY_FAILED'] },
  'refund-requested': { to: 'REFUND_REQUESTED', from: ['REJECTED', 'CANCELLED', 'IN_REVIEW', 'OUT_OF_STOCK', 'DELIVERY_FAILED'] },
  // After-sale: staff resolved a buyer's case (a bad card) with a refund, after the cards went out.
  'after-sale-refund-requested': { to: 'REFUND_REQUESTED', from: ['ALLOCATED', 'DELIVERED', 'COMPLETED', 'DELIVERY_FAILED'] },
  // The shop may refund on its own (a dispute), even after completion.
  refunded: { to: 'REFUNDED', from: HOLDING_MONEY },
} as const satisfies Record<string, TransitionRule>;

export type Trigger = keyof typeof TRANSITIONS;
export const TRIGGERS = Object.keys(TRANSITIONS) as Trigger[];

/** What caused a transition: the id of the event handled and when the change happened. */
export interface Cause {
  eventId: string;
  at: string;
}

/** One stored line of an order's history. `from` is null for the order's creation. */
export interface HistoryEntry {
  from: OrderState | null;
  to: OrderState;
  trigger: Trigger | 'order-created';
  reason?: string;
  causeEventId: string;
  at: string;
}

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';

  constructor(
    readonly from: OrderState,
    readonly to: OrderState,
    readonly trigger: Trigger,
  ) {
    super(`an order in ${from} cannot go to ${to} on ${trigger}`);
  }
}

export function targetOf(trigger: Trigger): OrderState {
  return TRANSITIONS[trigger].to;
}

export function isAllowed(from: OrderState, trigger: Trigger): boolean {
  return (TRANSITIONS[trigger].from as readonly OrderState[]).includes(from);
}

export function transition(
  order: { state: OrderState },
  trigger: Trigger,
  cause: Cause,
  reason?: string,
): { state: OrderState; entry: HistoryEntry } {
  const to = targetOf(trigger);
  if (!isAllowed(order.state, trigger)) throw new IllegalTransition(order.state, to, trigger);
  return {
    state: to,
    entry: { from: order.state, to, trigger, causeEventId: cause.eventId, at: cause.at, ...(reason === undefined ? {} : { reason }) },
  };
}
