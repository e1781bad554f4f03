import type { ProviderEntry } from './settlement-file';

/**
 * Every kind of difference reconciliation reports. A closed list: the kinds are
 * metric labels and column values, so a new one is a code change here.
 */
export const FINDING_KINDS = [
  /** The shop lists a paid order that cardlink never received. */
  'unknown_order',
  /** cardlink holds a matched payment for an order the shop does not list. */
  'not_in_shop',
  /** The provider settled a payment for an order neither the shop nor cardlink knows. */
  'unknown_payment',
  /** cardlink holds a matched payment that is not in the provider's file (nothing delivered yet). */
  'missing_in_provider',
  /** cardlink delivered cards, but the provider's file has no payment for the order. */
  'delivered_unpaid',
  /** Shop total, cardlink's order total, cardlink's payment and the provider's payment do not all agree. */
  'amount_mismatch',
  /** The provider has the buyer's money, and past the deadline the order is neither delivered nor refunded. */
  'undelivered_unrefunded',
  /** The provider paid out more than one refund for the order, or more than the payment. */
  'refunded_twice',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** An order as the shop's order list shows it. */
export interface ShopOrderView {
  shopOrderId: string;
  status: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
}

export interface OurPaymentView {
  reference: string;
  channel: string;
  amount: number;
  currency: string;
  paidAt: string;
  outcome: 'matched' | 'held' | 'surplus';
}

/** An order as cardlink stored it: payments, and whether its history reached DELIVERED or REFUNDED. */
export interface OurOrderView {
  orderId: string;
  shopOrderId: string;
  state: string;
  totalAmount: number;
  currency: string;
  orderedAt: string;
  payments: OurPaymentView[];
  delivered: boolean;
  refunded: boolean;
}

export interface ReconciliationInput {
  /** `from` inclusive, `to` exclusive (ISO times). */
  range: { from: string; to: string };
  /** The shop's orders created in the range. */
  shop: ShopOrderView[];
  /** Every line of the provider's files read for the range (later days too, for refunds). */
  provider: ProviderEntry[];
  /** cardlink's orders ordered in the range, and any other order the shop or provider names. */
  ours: OurOrderView[];
  now: string;
  /** A paid order neither delivered nor refunded this long after payment is a finding. */
  deliveryDeadlineMs: number;
}

export interface Finding {
  kind: FindingKind;
  shopOrderId: string;
  orderId: string | null;
  description: string;
  /** Amounts and states behind the finding; never buyer contacts. */
  detail: Record<string, unknown>;
}

interface Amount {
  source: 'shop total' | 'order total' | 'our payment' | 'provider payment';
  amount: number;
  currency: string;
}

function money(amount: { amount: number; currency: string }): string {
  return `${amount.amount} ${amount.currency}`;
}

/**
 * Compares the shop's orders, the provider's settlement lines and cardlink's
 * orders for one range and lists every difference, at most one of each kind
 * per shop order. Where one cause explains several symptoms, only the cause is
 * reported: an order we never received is `unknown_order`, not also a payment
 * without delivery; a payment the provider never made is not also "paid but
 * not delivered".
 */
export function reconcile(input: ReconciliationInput): Finding[] {
  const from = Date.parse(input.range.from);
  const to = Date.parse(input.range.to);
  const inRange = (time: string): boolean => {
    const t = Date.parse(time);
    return t >= from && t < to;
  };
  const shop = new Map(input.shop.map((order) => [order.shopOrderId, order]));
  const ours = new Map(input.ours.map((order) => [order.shopOrderId, order]));
  const payments = new Map<string, ProviderEntry[]>();
  const refunds = new Map<string, ProviderEntry[]>();
  for (const entry of input.provider) {
    const into = entry.type === 'payment' ? payments : refunds;
    into.set(entry.shopOrderId, [...(into.get(entry.shopOrderId) ?? []), entry]);
  }
  const keys = new Set<string>([...shop.keys(), ...ours.keys()]);
  for (const entry of input.provider) if (entry.type === 'payment' && inRange(entry.occurredAt)) keys.add(entry.shopOrderId);

  const findings: Finding[] = [];
  for (const shopOrderId of [...keys].sort()) {
    const listed = shop.get(shopOrderId);
    const order = ours.get(shopOrderId);
    const settled = payments.get(shopOrderId) ?? [];
    const paidOut = refunds.get(shopOrderId) ?? [];
    const found = (kind: FindingKind, description: string, detail: Record<string, unknown>): void => {
      findings.push({ kind, shopOrderId, orderId: order?.orderId ?? null, description, detail });
    };
    const settledAmount = settled.reduce((sum, entry) => sum + entry.amount, 0);

    if (listed && !order) {
      found('unknown_order', `the shop lists order ${shopOrderId} (${listed.status}, ${money({ amount: listed.totalAmount, currency: listed.currency })}); cardlink never received it`, {
        shop: listed,
        providerPayments: settled.map((e) => e.tradeNo),
      });
      continue;
    }
    if (!order) {
      if (settled.length > 0) {
        found('unknown_payment', `the provider settled ${settled.map((e) => e.tradeNo).join(', ')} for ${shopOrderId}; neither the shop nor cardlink knows the order`, {
          providerPayments: settled.map((e) => ({ tradeNo: e.tradeNo, amount: e.amount, currency: e.currency, occurredAt: e.occurredAt })),
        });
      }
      continue;
    }

    const matched = order.payments.find((p) => p.outcome === 'matched');
    const ourPayment = matched ?? order.payments[0];
    const ourSide = { state: order.state, totalAmount: order.totalAmount, currency: order.currency, payment: ourPayment ? { reference: ourPayment.reference, amount: ourPayment.amount, outcome: ourPayment.outcome } : null };

    if (!listed && matched && inRange(order.orderedAt)) {
      found('not_in_shop', `cardlink holds payment ${matched.reference} for ${shopOrderId}; the shop does not list the order`, { ours: ourSide });
    }
    if (settled.length === 0) {
      if (order.delivered) {
        found('delivered_unpaid', `cards for ${shopOrderId} were delivered; the provider's file has no payment for it`, { ours: ourSide });
      } else if (matched) {
        found('missing_in_provider', `cardlink matched payment ${matched.reference} (${money(matched)}) for ${shopOrderId}; the provider's file does not have it`, { ours: ourSide });
      }
    }

    const amounts: Amount[] = [
      ...(listed ? [{ source: 'shop total' as const, amount: listed.totalAmount, currency: listed.currency }] : []),
      { source: 'order total', amount: order.totalAmount, currency: order.currency },
      ...(ourPayment ? [{ source: 'our payment' as const, amount: ourPayment.amount, currency: ourPayment.currency }] : []),
      ...(settled.length > 0 ? [{ source: 'provider payment' as const, amount: settledAmount, currency: settled[0]?.currency ?? '' }] : []),
    ];
    if (new Set(amounts.map(money)).size > 1) {
      found('amount_mismatch', `amounts for ${shopOrderId} differ: ${amounts.map((a) => `${a.source} ${money(a)}`).join(', ')}`, { amounts });
    }

    const refundIds = new Set(paidOut.map((e) => e.refundId));
    const refundedAmount = -paidOut.reduce((sum, entry) => sum + entry.amount, 0);
    if (refundIds.size > 1 || (settled.length > 0 && refundedAmount > settledAmount)) {
      found('refunded_twice', `the provider refunded ${shopOrderId} ${paidOut.length} time(s), ${refundedAmount} in all against a payment of ${settledAmount}`, {
        refunds: paidOut.map((e) => ({ refundId: e.refundId, amount: -e.amount, occurredAt: e.occurredAt })),
        ours: ourSide,
      });
    }

    const firstPaid = settled.map((e) => Date.parse(e.occurredAt)).sort((a, b) => a - b)[0];
    const refunded = order.refunded || paidOut.length > 0;
    if (firstPaid !== undefined && !order.delivered && !refunded && Date.parse(input.now) - firstPaid > input.deliveryDeadlineMs) {
      const minutes = Math.floor((Date.parse(input.now) - firstPaid) / 60_000);
      found('undelivered_unrefunded', `${shopOrderId} was paid ${minutes} min ago and is ${order.state}: neither delivered nor refunded`, {
        ours: ourSide,
        paidAt: new Date(firstPaid).toISOString(),
        deadlineMs: input.deliveryDeadlineMs,
      });
    }
  }
  return findings;
}
