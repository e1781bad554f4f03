import { feeFor, rateAt, type FeeRate } from './fees';

/** Money received for an order, not yet in any statement. */
export interface SettlingPayment {
  orderId: string;
  shopOrderId: string;
  reference: string;
  channel: string;
  amount: number;
  paidAt: string;
  /** Set when the order was refunded before the statement is issued. */
  refund?: { amount: number; refundedAt: string };
}

/** A refund of an order whose payment an earlier statement settled. */
export interface LateRefund {
  orderId: string;
  shopOrderId: string;
  amount: number;
  refundedAt: string;
}

/** A correction staff entered, settled in the next statement issued. */
export interface PendingAdjustment {
  id: string;
  /** Signed minor units: positive owes the merchant more. */
  amount: number;
  reason: string;
  orderId: string | null;
}

export interface StatementLine {
  kind: 'order' | 'late_refund' | 'adjustment';
  orderId: string | null;
  shopOrderId: string | null;
  paymentReference: string | null;
  channel: string | null;
  /** The payment (order lines), else 0. */
  amount: number;
  feeBasisPoints: number | null;
  feeFixed: number | null;
  fee: number;
  /** Refunded to the buyer, positive. */
  refund: number;
  /** Manual corrections, signed. */
  adjustment: number;
  /** amount − fee − refund + adjustment. */
  net: number;
  occurredAt: string | null;
  adjustmentId: string | null;
  note: string | null;
}

export interface StatementTotals {
  gross: number;
  fees: number;
  refunds: number;
  adjustments: number;
  net: number;
  orderCount: number;
}

/**
 * One statement: every order paid in the period (with its fee at the rate in
 * force when it was paid, and its refund if it was refunded by now), refunds of
 * orders settled earlier, and pending adjustments. net = gross − fees −
 * refunds + adjustments. The fee stays charged on a refunded order: the
 * provider keeps it.
 */
export function computeStatement(input: { payments: SettlingPayment[]; lateRefunds: LateRefund[]; adjustments: PendingAdjustment[]; rates: readonly FeeRate[] }): {
  lines: StatementLine[];
  totals: StatementTotals;
} {
  const orders = [...input.payments]
    .sort((a, b) => a.paidAt.localeCompare(b.paidAt) || a.reference.localeCompare(b.reference))
    .map((p): StatementLine => {
      const rate = rateAt(input.rates, p.channel, p.paidAt);
      const fee = feeFor(p.amount, rate);
      const refund = p.refund?.amount ?? 0;
      return {
        kind: 'order',
        orderId: p.orderId,
        shopOrderId: p.shopOrderId,
        paymentReference: p.reference,
        channel: p.channel,
        amount: p.amount,
        feeBasisPoints: rate.basisPoints,
        feeFixed: rate.fixedMinor,
        fee,
        refund,
        adjustment: 0,
        net: p.amount - fee - refund,
        occurredAt: p.paidAt,
        adjustmentId: null,
        note: p.refund ? `refunded ${p.refund.refundedAt}` : null,
      };
    });
  // Lines without a payment: no channel, no fee.
  const unpaid = { shopOrderId: null, paymentReference: null, channel: null, amount: 0, feeBasisPoints: null, feeFixed: null, fee: 0, refund: 0, adjustment: 0, occurredAt: null, adjustmentId: null };
  const late = [...input.lateRefunds]
    .sort((a, b) => a.refundedAt.localeCompare(b.refundedAt) || a.orderId.localeCompare(b.orderId))
    .map(
      (r): StatementLine => ({
        ...unpaid,
        kind: 'late_refund',
        orderId: r.orderId,
        shopOrderId: r.shopOrderId,
        refund: r.amount,
        net: -r.amount,
        occurredAt: r.refundedAt,
        note: 'refund of an order settled in an earlier statement',
      }),
    );
  const adjustments = input.adjustments.map((a): StatementLine => ({ ...unpaid, kind: 'adjustment', orderId: a.orderId, adjustment: a.amount, net: a.amount, adjustmentId: a.id, note: a.reason }));
  const lines = [...orders, ...late, ...adjustments];
  const sum = (pick: (l: StatementLine) => number): number => lines.reduce((total, line) => total + pick(line), 0);
  const totals = { gross: sum((l) => l.amount), fees: sum((l) => l.fee), refunds: sum((l) => l.refund), adjustments: sum((l) => l.adjustment), net: sum((l) => l.net), orderCount: orders.length };
  if (totals.net !== totals.gross - totals.fees - totals.refunds + totals.adjustments) throw new Error('statement lines do not add up');
  for (const value of Object.values(totals)) if (!Number.isSafeInteger(value)) throw new RangeError('a statement total is out of the safe integer range');
  return { lines, totals };
}
