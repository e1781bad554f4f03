import type { Buyer } from '@cardlink/contracts';
import { isAllowed, transition, type Cause, type HistoryEntry, type OrderState, type Trigger } from './order-state-machine';
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

/** States in which the order has been stopped and its money is (or was) on the way back. */
const STOPPED: readonly OrderState[] = ['CANCELLED', 'REFUND_REQUESTED', 'REFUNDED'];

/**
 * Follows risk control's decision; a rejected order is refunded at once. A held
 * order takes the reviewer's final decision, which risk control publishes as a
 * new assessment. A decision reaching an order already stopped (cancelled or
 * refunded by staff while it waited for review) changes nothing, and so does a
 * repeated hold.
 */
export function applyRiskDecision(order: Order, decision: RiskDecision, reason: string, cause: Cause): OrderChange {
  const start = unchanged(order);
  if (STOPPED.includes(order.state)) return start;
  if (decision === 'review' && order.state === 'IN_REVIEW') return start;
  if (decision === 'approve') return step(start, 'risk-approved', cause);
  if (decision === 'review') return step(start, 'review-required', cause, reason);
  return step(step(start, 'risk-rejected', cause, reason), 'refund-requested', cause, `rejected by risk control: ${reason}`);
}

/** States an order reaches only after its cards were allocated. */
const PAST_ALLOCATION: readonly OrderState[] = ['ALLOCATED', 'DELIVERED', 'COMPLETED', 'DELIVERY_FAILED'];

export function allocateCards(order: Order, cause: Cause, replacement: boolean): OrderChange {
  // A replacement card (after-sale) changes nothing in the lifecycle; neither does an
  // allocation event that arrives after the delivery outcome it led to (another topic, no order between them).
  if (PAST_ALLOCATION.includes(order.state) && (replacement || order.state !== 'ALLOCATED')) return unchanged(order);
  return step(unchanged(order), 'cards-allocated', cause);
}

/**
 * Delivery outcomes and allocations travel on different topics, so a delivery
 * outcome can overtake the allocation it follows. Delivery only ever sends
 * allocated cards, so the outcome itself proves the allocation.
 */
function impliedAllocation(order: Order, cause: Cause): OrderChange {
  const start = unchanged(order);
  if (order.state !== 'APPROVED' && order.state !== 'OUT_OF_STOCK') return start;
  return step(start, 'cards-allocated', cause, 'implied by a delivery outcome that arrived before the allocation event');
}

export function markOutOfStock(order: Order, reason: string, cause: Cause): OrderChange {
  return step(unchanged(order), 'out-of-stock', cause, reason);
}

/** One channel reaching the buyer completes the order; further channels change nothing. */
export function recordDelivery(order: Order, cause: Cause): OrderChange {
  if (order.state === 'DELIVERED' || order.state === 'COMPLETED') return unchanged(order);
  return step(step(impliedAllocation(order, cause), 'delivered', cause), 'completed', cause);
}

/** A channel gave up; irrelevant once another channel delivered. */
export function recordDeliveryFailure(order: Order, reason: string, cause: Cause): OrderChange {
  if (order.state === 'DELIVERED' || order.state === 'COMPLETED' || order.state === 'DELIVERY_FAILED') return unchanged(order);
  return step(impliedAllocation(order, cause), 'delivery-failed', cause, reason);
}

/** The shop cancelled the order; money already received is asked back. */
export function cancel(order: Order, reason: string, cause: Cause): OrderChange {
  // Already cancelled, or its money is already on the way back: a repeated or late cancellation changes nothing.
  if (order.state === 'CANCELLED' || order.state === 'REFUND_REQUESTED' || order.state === 'REFUNDED') return unchanged(order);
  const cancelled = step(unchanged(order), 'cancelled', cause, reason);
  return refundDue(order) ? step(cancelled, 'refund-requested', cause, `cancelled after payment: ${reason}`) : cancelled;
}

export function recordRefund(order: Order, cause: Cause, reason?: string): OrderChange {
  if (order.state === 'REFUNDED') return unchanged(order);
  return step(unchanged(order), 'refunded', cause, reason);
}

/**
 * Why staff cannot refund the order now, in words for a 409; undefined when they can.
 * Once cards are allocated they may already be with the buyer, so that is an
 * after-sale matter; before risk control decided, a refund would race its decision.
 */
export function whyNoRefund(order: Order): string | undefined {
  switch (order.state) {
    case 'AWAITING_PAYMENT':
      return 'the order is not paid; there is nothing to refund';
    case 'PAID':
    case 'APPROVED':
      return `the order is ${order.state} and on its way to the buyer; a refund is possible once it is held for review, out of stock or failed delivery`;
    case 'ALLOCATED':
    case 'DELIVERED':
    case 'COMPLETED':
      return `the order is ${order.state}: its cards may already be with the buyer; refund it through after-sale`;
    case 'REFUND_REQUESTED':
      return 'a refund was already requested for this order';
    case 'REFUNDED':
      return 'the order is already refunded';
    case 'CANCELLED':
      return refundDue(order) ? undefined : 'the order was cancelled before any payment; there is nothing to refund';
    case 'IN_REVIEW':
    case 'REJECTED':
    case 'OUT_OF_STOCK':
    case 'DELIVERY_FAILED':
      return refundDue(order) ? undefined : 'no payment was received for this order; there is nothing to refund';
  }
}

/** Staff refund the buyer (a reviewer refusing the order, a backorder nobody will fill, a delivery that cannot succeed). */
export function requestRefund(order: Order, reason: string, cause: Cause): OrderChange {
  const refusal = whyNoRefund(order);
  if (refusal !== undefined) throw new RefusedCommand(refusal);
  return step(unchanged(order), 'refund-requested', cause, reason);
}

/**
 * Staff resolve an after-sale case with a refund: the cards already went out,
 * so this is the only refund of an allocated, delivered or completed order.
 */
export function requestAfterSaleRefund(order: Order, reason: string, cause: Cause): OrderChange {
  if (!isAllowed(order.state, 'after-sale-refund-requested')) {
    throw new RefusedCommand(
      order.state === 'REFUND_REQUESTED' || order.state === 'REFUNDED'
        ? whyNoRefund(order) ?? `the order is ${order.state}`
        : `the order is ${order.state}: an after-sale refund applies once cards are allocated (ALLOCATED, DELIVERED, COMPLETED or DELIVERY_FAILED); use the order refund instead`,
    );
  }
  return step(unchanged(order), 'after-sale-refund-requested', cause, reason);
}

/** An order out of stock for longer than the shop's buyers are asked to wait is refunded. */
export function refundBackorder(order: Order, waitedMs: number, cause: Cause): OrderChange {
  const round = (n: number) => Math.round(n * 100) / 100;
  const waited = waitedMs < 60_000 ? `${round(waitedMs / 1_000)} s` : `${round(waitedMs / 60_000)} min`;
  return step(unchanged(order), 'refund-requested', cause, `out of stock for more than ${waited}`);
}

export function whyNoDeliveryRetry(order: Order): string | undefined {
  if (isAllowed(order.state, 'delivery-retried')) return undefined;
  if (order.state === 'ALLOCATED') return 'the order is ALLOCATED: its delivery is still in progress';
  if (order.state === 'DELIVERED' || order.state === 'COMPLETED') return `the order is ${order.state}: its cards already reached the buyer`;
  return `the order is ${order.state}: only an order whose delivery failed (DELIVERY_FAILED) can be delivered again`;
}

/** Staff ask delivery to try the allocated cards again; the order waits for the outcome in ALLOCATED. */
export function retryDelivery(order: Order, reason: string, cause: Cause): OrderChange {
  const refusal = whyNoDeliveryRetry(order);
  if (refusal !== undefined) throw new RefusedCommand(refusal);
  return step(unchanged(order), 'delivery-retried', cause, reason);
}

/** A staff command the order's state does not allow; the message says why, for the person who asked. */
export class RefusedCommand extends Error {
  override name = 'RefusedCommand';
}
