import type { RecordBook } from './records';
import type { Shop } from './shop';

/** What the simulator knows about an order it sent to the gateway. */
export interface OrderTracking {
  shopOrderId: string;
  /** When the first attempt of the `order.paid` webhook left (ms since the epoch). */
  paidWebhookSentAt?: number;
  /** Undefined while the webhook is still being delivered, or when there is no gateway. */
  acknowledged?: boolean;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RunSummary {
  /** Sales the shop accepted (stock lowered, buyer paid). */
  ordersPlaced: number;
  /** Sales the shop refused because the listing's stock could not cover them. */
  outOfStock: number;
  /** Sales refused because the listing did not exist or was delisted. */
  unavailable: number;
  /** Every line received its quantity of cards and nothing was refunded. */
  completed: number;
  /** At least one refund was accepted (rejected by risk control, out of stock, after-sale…). */
  refunded: number;
  /** Acknowledged, but no card and no refund yet: in review, or still in flight. */
  held: number;
  /** Some cards arrived, not all, and no refund: cards are missing. */
  partial: number;
  /** The gateway never answered 2xx to the `order.paid` webhook, and nothing arrived. */
  notAcknowledged: number;
  /** partial + notAcknowledged. */
  missing: number;
  /** Card deliveries whose card (code and password) had already been delivered, to this or another order. */
  duplicates: number;
  /** Cards beyond a line's quantity. */
  overDelivered: number;
  /** From the `order.paid` webhook's first attempt to the fulfilment that completed the order. */
  paidToDeliveredMs: Percentiles | null;
  refundReasons: Record<string, number>;
  webhookAttempts: number;
  webhooksRetried: number;
  stockCalls: number;
  fulfilmentCalls: number;
}

/** Nearest-rank percentiles of an unsorted list. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1] ?? 0 };
}

export function summarize(shop: Shop, records: RecordBook, tracking: ReadonlyMap<string, OrderTracking>): RunSummary {
  const orderRecords = records.list('order');
  const states = shop.orderStates();
  const quantities = new Map(states.map((s) => [s.order.shopOrderId, new Map(s.order.lines.map((l) => [l.lineId, l.quantity]))]));

  const seenCards = new Set<string>();
  let duplicates = 0;
  let overDelivered = 0;
  const deliveredSoFar = new Map<string, number>();
  const completedAt = new Map<string, number>();
  for (const fulfilment of records.list('fulfilment')) {
    for (const card of fulfilment.cards) {
      const identity = `${card.code}\u0000${card.password ?? ''}`;
      if (seenCards.has(identity)) duplicates += 1;
      seenCards.add(identity);
    }
    const lineKey = `${fulfilment.shopOrderId}\u0000${fulfilment.lineId}`;
    const quantity = quantities.get(fulfilment.shopOrderId)?.get(fulfilment.lineId) ?? 0;
    const before = deliveredSoFar.get(lineKey) ?? 0;
    const after = before + fulfilment.cards.length;
    overDelivered += Math.max(0, after - Math.max(quantity, before));
    deliveredSoFar.set(lineKey, after);
    const lines = quantities.get(fulfilment.shopOrderId);
    if (lines && !completedAt.has(fulfilment.shopOrderId)) {
      const complete = [...lines].every(([lineId, q]) => (deliveredSoFar.get(`${fulfilment.shopOrderId}\u0000${lineId}`) ?? 0) >= q);
      if (complete) completedAt.set(fulfilment.shopOrderId, Date.parse(fulfilment.at));
    }
  }

  let completed = 0;
  let refunded = 0;
  let held = 0;
  let partial = 0;
  let notAcknowledged = 0;
  const latencies: number[] = [];
  for (const state of states) {
    const { shopOrderId } = state.order;
    const deliveredAny = [...state.delivered.values()].some((cards) => cards.length > 0);
    const deliveredAll = state.order.lines.every((line) => (state.delivered.get(line.lineId)?.length ?? 0) >= line.quantity);
    if (state.refundCount > 0) refunded += 1;
    else if (deliveredAll) {
      completed += 1;
      const sentAt = tracking.get(shopOrderId)?.paidWebhookSentAt;
      const doneAt = completedAt.get(shopOrderId);
      if (sentAt !== undefined && doneAt !== undefined) latencies.push(Math.max(0, doneAt - sentAt));
    } else if (deliveredAny) partial += 1;
    else if (tracking.get(shopOrderId)?.acknowledged === false) notAcknowledged += 1;
    else held += 1;
  }

  const refundReasons: Record<string, number> = {};
  for (const refund of records.list('refund')) refundReasons[refund.reason] = (refundReasons[refund.reason] ?? 0) + 1;
  const webhookRecords = records.list('webhook');
  return {
    ordersPlaced: orderRecords.filter((r) => r.outcome === 'placed').length,
    outOfStock: orderRecords.filter((r) => r.outcome === 'out_of_stock').length,
    unavailable: orderRecords.filter((r) => r.outcome === 'unavailable').length,
    completed,
    refunded,
    held,
    partial,
    notAcknowledged,
    missing: partial + notAcknowledged,
    duplicates,
    overDelivered,
    paidToDeliveredMs: percentiles(latencies),
    refundReasons,
    webhookAttempts: webhookRecords.length,
    webhooksRetried: new Set(webhookRecords.filter((r) => r.attempt > 1).map((r) => r.webhookId)).size,
    stockCalls: records.list('stock').filter((r) => r.source === 'adjustment' || r.source === 'set').length,
    fulfilmentCalls: records.list('fulfilment').length,
  };
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** The table the CLI and `npm start` print. */
export function formatSummary(summary: RunSummary): string {
  const latency = summary.paidToDeliveredMs;
  const rows: [string, string][] = [
    ['orders placed', String(summary.ordersPlaced)],
    ['  completed (every line fulfilled)', String(summary.completed)],
    ['  rejected / refunded', String(summary.refunded)],
    ['  held (no cards, no refund)', String(summary.held)],
    ['  partially fulfilled', String(summary.partial)],
    ['  webhook never acknowledged', String(summary.notAcknowledged)],
    ['out of stock (sale refused by the shop)', String(summary.outOfStock)],
    ['paid → delivered p50 / p95 / p99 / max', latency ? `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)} / ${ms(latency.max)}` : '–'],
    ['duplicates (a card fulfilled twice)', String(summary.duplicates)],
    ['cards beyond a line’s quantity', String(summary.overDelivered)],
    ['missing (partial + never acknowledged)', String(summary.missing)],
    ['webhook attempts (webhooks retried)', `${summary.webhookAttempts} (${summary.webhooksRetried})`],
    ['stock calls from cardlink', String(summary.stockCalls)],
  ];
  if (summary.unavailable > 0) rows.splice(7, 0, ['unavailable (no such listing / delisted)', String(summary.unavailable)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  const reasons = Object.entries(summary.refundReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) lines.push('refund reasons:', ...reasons.slice(0, 5).map(([reason, count]) => `  ${String(count).padStart(5)}  ${reason.slice(0, 100)}`));
  return lines.join('\n');
}
