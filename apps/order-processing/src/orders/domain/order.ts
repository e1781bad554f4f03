import type { Buyer } from '@cardlink/contracts';
import { transition, type Cause, type HistoryEntry, type OrderState, type Trigger } from './order-state-machine';
import { matchPayment, type IncomingPayment, type PaymentOutcome } from './payment-matching';

export interface OrderLine {
  lineId: string;
  productId: string;
  shopListingId?: string;
  quantity: number;
  unitPrice: number;
}

export type RecordedPaymentOutcome = 'matched' | 'held' | 'surplus';

export interface RecordedPayment extends IncomingPayment {
  outcome: RecordedPaymentOutcome;
  reason?: string;
}

/** The order aggregate: what the shop ordered, what was paid, and where it stands. */
export interface Order {
  /** Our id, made by us; the shop's id is kept beside it and is the key for idempotent creation. */
  id: string;
  shopOrderId: string;
  state: OrderState;
  buyer: Buyer;
  lines: OrderLine[];
  totalAmount: number;
  currency: string;
  orderedAt: string;
  payments: RecordedPayment[];
}

/** The order as the shop reported it (matches the contracts' ShopOrder). */
export interface ShopOrderFacts {
  shopOrderId: string;
  buyer: Buyer;
  lines: OrderLine[];
  totalAmount: number;
  currency: string;
  createdAt: string;
}

/**
 * The result of a command: the new order, the transitions it went through (in
 * order; empty when the command changed nothing) and payments to record.
 */
export interface OrderChange {
  order: Order;
  entries: HistoryEntry[];
  newPayments: RecordedPayment[];
}

export type RiskDecision = 'approve' | 'reject' | 'review';

function unchanged(order: Order): OrderChange {
  return { order, entries: [], newPayments: [] };
}

function step(change: OrderChange, trigger: Trigger, cause: Cause, reason?: string): OrderChange {
  const { state, entry } = transition(change.order, trigger, cause, reason);
  return { ...change, order: { ...change.order, state }, entries: [...change.entries, entry] };
}

/** The order's creation, AWAITING_PAYMENT, then any payments that arrived before it, in arrival order. */
export function createOrder(id: string, shop: ShopOrderFacts, cause: Cause, earlierPayments: readonly IncomingPayment[] = []): OrderChange {
  const order: Order = {
    id,
    shopOrderId: shop.shopOrderId,
    state: 'AWAITING_PAYMENT',
    buyer: shop.buyer,
    lines: shop.lines,
    totalAmount: shop.totalAmount,
    currency: shop.currency,
    orderedAt: shop.createdAt,
    payments: [],
  };
  let change: OrderChange = {
    order,
    entries: [{ from: null, to: 'AWAITING_PAYMENT', trigger: 'order-created', causeEventId: cause.eventId, at: cause.at }],
    newPayments: [],
  };
  for (const payment of earlierPayments) {
    const next = receivePayment(change.order, payment, cause);
    change = { order: next.order, entries: [...change.entries, ...next.entries], newPayments: [...change.newPayments, ...next.newPayments] };
  }
  return change;
}

/** Applies a payment reported for this order: it pays it, is held for review, or is kept as surplus. */
export function receivePayment(order: Order, payment: IncomingPayment, cause: Cause): OrderChange & { outcome: PaymentOutcome } {
  const outcome = matchPayment(
    { shopOrderId: order.shopOrderId, state: order.state, totalAmount: order.totalAmount, currency: order.currency, paymentReferences: order.payments.map((p) => p.reference) },
    payment,
  );
  if (outcome.kind === 'duplicate' || outcome.kind === 'awaiting-order') return { ...unchanged(order), outcome };
  const recorded: RecordedPayment = outcome.kind === 'matched' ? { ...payment, outcome: 'matched' } : { ...payment, outcome: outcome.kind, reason: outcome.reason };
  let change: OrderChange = { order: { ...order, payments: [...order.payments, recorded] }, entries: [], newPayments: [recorded] };
  if (outcome.kind === 'matched') change = step(change, 'payment-matched', cause);
  if (outcome.kind === 'held') change = step(change, 'payment-held', cause, outcome.reason);
  return { ...change, outcome };
}

/** The payment that settled the order, if one did. */
export function settlingPayment(order: Order): RecordedPayment | undefined {
  return order.payments.find((p) => p.outcome === 'matched');
}

/** The money to give back when the order is refunded: the settling payment, or else a held one. */
export function refundDue(order: Order): { amount: number; currency: string } | undefined {
  const payment = settlingPayment(order) ?? order.payments.find((p) => p.outcome === 'held');
  return payment && { amount: payment.amount, currency: payment.currency };
}

/** Follows risk control's decision; a rejected order is refunded at once. */
export function applyRiskDecision(order: Order, decision: RiskDecision, reason: string, cause: Cause): OrderChange {
  const start = unchanged(order);
  if (decision === 'approve') return step(start, 'risk-approved', cause);
  if (decision === 'review') return step(start, 'review-required', cause, reason);
  return step(step(start, 'risk-rejected', cause, reason), 'refund-requested', cause, `rejected by risk control: ${reason}`);
}

export function allocateCards(order: Order, cause: Cause, replacement: boolean): OrderChange {
  // A replacement card (after-sale) for a delivered order changes nothing in the lifecycle.
  if (replacement && (order.state === 'DELIVERED' || order.state === 'COMPLETED' || order.state === 'ALLOCATED')) return unchanged(order);
  return step(unchanged(order), 'cards-allocated', cause);
}

export function markOutOfStock(order: Order, reason: string, cause: Cause): OrderChange {
  return step(unchanged(order), 'out-of-stock', cause, reason);
}

/** One channel reaching the buyer completes the order; further channels change nothing. */
export function recordDelivery(order: Order, cause: Cause): OrderChange {
  if (order.state === 'DELIVERED' || order.state === 'COMPLETED') return unchanged(order);
  return step(step(unchanged(order), 'delivered', cause), 'completed', cause);
}

/** A channel gave up; irrelevant once another channel delivered. */
export function recordDeliveryFailure(order: Order, reason: string, cause: Cause): OrderChange {
  if (order.state === 'DELIVERED' || order.state === 'COMPLETED' || order.state === 'DELIVERY_FAILED') return unchanged(order);
  return step(unchanged(order), 'delivery-failed', cause, reason);
}

/** The shop cancelled the order; money already received is asked back. */
export function cancel(order: Order, reason: string, cause: Cause): OrderChange {
  // Already cancelled, or its money is already on the way back: a repeated or late cancellation changes nothing.
  if (order.state === 'CANCELLED' || order.state === 'REFUND_REQUESTED' || order.state === 'REFUNDED') return unchanged(order);
  const cancelled = step(unchanged(order), 'cancelled', cause, reason);
  return refundDue(order) ? step(cancelled, 'refund-requested', cause, `cancelled after payment: ${reason}`) : cancelled;
}

export function recordRefund(order: Order, cause: Cause): OrderChange {
  if (order.state === 'REFUNDED') return unchanged(order);
  return step(unchanged(order), 'refunded', cause);
}
