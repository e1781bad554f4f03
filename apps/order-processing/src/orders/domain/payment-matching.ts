import type { OrderState } from './order-state-machine';

/** A payment as reported by the shop or a payment provider. Amounts are integer minor units. */
export interface IncomingPayment {
  /** The payment's id at its channel (the provider's trade number); the same money reported twice has the same reference. */
  reference: string;
  shopOrderId: string;
  channel: string;
  account?: string;
  amount: number;
  currency: string;
  paidAt: string;
}

/** What a payment did to its order. */
export type PaymentOutcome =
  /** It pays the order. */
  | { kind: 'matched' }
  /** It does not fit the order; the order waits for a person, who sees the reason. */
  | { kind: 'held'; reason: string }
  /** The order was already settled by another payment: kept for a person, the order is left alone. */
  | { kind: 'surplus'; reason: string }
  /** This very payment was already recorded (a repeated report): nothing to do. */
  | { kind: 'duplicate' }
  /** No order yet: kept and matched when the order arrives. */
  | { kind: 'awaiting-order' };

/** What matching needs to know about an order. */
export interface PayableOrder {
  shopOrderId: string;
  state: OrderState;
  totalAmount: number;
  currency: string;
  paymentReferences: readonly string[];
}

function formatMoney(amount: number, currency: string): string {
  return `${amount} ${currency} (minor units)`;
}

/**
 * Matches a payment to its order by shop order id, amount and currency. Pure:
 * the caller records the payment and applies the outcome.
 */
export function matchPayment(order: PayableOrder | undefined, payment: IncomingPayment): PaymentOutcome {
  if (order === undefined) return { kind: 'awaiting-order' };
  if (order.shopOrderId !== payment.shopOrderId) {
    throw new Error(`payment for shop order ${payment.shopOrderId} offered to shop order ${order.shopOrderId}`);
  }
  if (order.paymentReferences.includes(payment.reference)) return { kind: 'duplicate' };
  if (order.state === 'CANCELLED') {
    return { kind: 'held', reason: `payment ${payment.reference} of ${formatMoney(payment.amount, payment.currency)} arrived for a cancelled order` };
  }
  if (order.state !== 'AWAITING_PAYMENT') {
    return {
      kind: 'surplus',
      reason: `payment ${payment.reference} of ${formatMoney(payment.amount, payment.currency)} arrived for an order already in ${order.state}`,
    };
  }
  if (payment.currency !== order.currency) {
    return { kind: 'held', reason: `payment ${payment.reference} is in ${payment.currency} but the order is in ${order.currency}` };
  }
  if (payment.amount !== order.totalAmount) {
    return {
      kind: 'held',
      reason: `payment ${payment.reference} of ${formatMoney(payment.amount, payment.currency)} does not match the order total of ${formatMoney(order.totalAmount, order.currency)}`,
    };
  }
  return { kind: 'matched' };
}
