import { ORDER_STATES } from '@cardlink/contracts';

/**
 * Every `cardlink_*` metric the dashboards and alerts may use: its type, its
 * labels with their bounded value sets, and who emits it. docs/metrics.md is
 * the readable form of this list and a test keeps the two in step; the
 * Prometheus test serves samples of each entry and fails any dashboard or
 * alert query that names a metric missing here.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Service = 'shop-gateway' | 'order-processing' | 'risk-control' | 'card-inventory' | 'delivery-notifications' | 'catalog-sync';

export const SERVICES: readonly Service[] = ['shop-gateway', 'order-processing', 'risk-control', 'card-inventory', 'delivery-notifications', 'catalog-sync'];

export interface MetricSpec {
  name: string;
  type: MetricType;
  help: string;
  /** Label name → the values it can take (or, for open but bounded sets, sample values). `service` is added to every series. */
  labels: Readonly<Record<string, readonly string[]>>;
  /** Which label combinations occur, when not every combination of `labels` makes sense. */
  series?: readonly Readonly<Record<string, string>>[];
  /** Why a label's value set stays bounded, where that is not obvious. */
  bound?: string;
  emittedBy: readonly Service[];
  /** File that registers the metric today; absent means an app still has to add it (see docs/metrics.md). */
  definedIn?: string;
  buckets?: readonly number[];
}


const SAMPLE_PRODUCTS = ['prod-steam-50', 'prod-netflix-1m'];
const DELIVERY_CHANNELS = ['shop', 'email', 'sms', 'webhook'];
const SAMPLE_TOPICS = ['cardlink.orders.lifecycle.v1', 'cardlink.inventory.allocations.v1'];
const SAMPLE_EVENT_TYPES = ['cardlink.orders.approved.v1', 'cardlink.inventory.cards-allocated.v1'];
const MESSAGING_SERVICES = SERVICES;

export const METRIC_CATALOG: readonly MetricSpec[] = [
  {
    name: 'cardlink_order_transitions_total',
    type: 'counter',
    help: 'Order state transitions, counted when the transition commits.',
    labels: { from: ORDER_STATES, to: ORDER_STATES },
    series: [
      { from: 'AWAITING_PAYMENT', to: 'PAID' },
      { from: 'PAID', to: 'APPROVED' },
      { from: 'PAID', to: 'IN_REVIEW' },
      { from: 'PAID', to: 'REJECTED' },
      { from: 'IN_REVIEW', to: 'APPROVED' },
      { from: 'APPROVED', to: 'ALLOCATED' },
      { from: 'APPROVED', to: 'OUT_OF_STOCK' },
      { from: 'ALLOCATED', to: 'DELIVERED' },
      { from: 'ALLOCATED', to: 'DELIVERY_FAILED' },
      { from: 'DELIVERED', to: 'COMPLETED' },
      { from: 'REJECTED', to: 'REFUND_REQUESTED' },
      { from: 'REFUND_REQUESTED', to: 'REFUNDED' },
    ],
    bound: 'the state machine: at most 13 × 13 pairs, about 25 in practice',
    emittedBy: ['order-processing'],
    definedIn: 'apps/order-processing/src/orders/order-metrics.ts',
  },
  {
    name: 'cardlink_order_paid_to_delivered_seconds',
    type: 'histogram',
    help: 'Time from the payment being matched (PAID) to the order being DELIVERED.',
    labels: {},
    emittedBy: ['order-processing'],
    definedIn: 'apps/order-processing/src/orders/order-metrics.ts',
    buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
  },
  {
    name: 'cardlink_reconciliation_findings',
    type: 'gauge',
    help: 'Open reconciliation findings by kind (differences between the shop, the payment provider and cardlink not resolved by a later pass)',
    labels: {
      kind: ['unknown_order', 'not_in_shop', 'unknown_payment', 'missing_in_provider', 'delivered_unpaid', 'amount_mismatch', 'undelivered_unrefunded', 'refunded_twice'],
    },
    bound: 'the eight finding kinds, all present (0 when none) once the table could be read; every replica reports the same value, so queries take max',
    emittedBy: ['order-processing'],
    definedIn: 'apps/order-processing/src/reconciliation/reconciliation-metrics.ts',
  },
  {
    name: 'cardlink_risk_decisions_total',
    type: 'counter',
    help: 'Risk assessments by decision and by the rule that decided.',
    labels: { decision: ['approve', 'review', 'reject'], rule: ['none', 'score', 'blocklist-device', 'velocity-buyer-1h'] },
    series: [
      { decision: 'approve', rule: 'none' },
      { decision: 'review', rule: 'score' },
      { decision: 'reject', rule: 'blocklist-device' },
      { decision: 'review', rule: 'velocity-buyer-1h' },
    ],
    bound: '`rule` is the id of a configured rule (tens), `score` when the summed score crossed a threshold, `none` when nothing hit; never a buyer or order value',
    emittedBy: ['risk-control'],
    definedIn: 'apps/risk-control/src/assessment/risk-metrics.ts',
  },
  {
    name: 'cardlink_allocations_total',
    type: 'counter',
    help: 'Allocation attempts for an order line by product and outcome.',
    labels: { product: SAMPLE_PRODUCTS, outcome: ['allocated', 'out_of_stock'] },
    bound: '`product` is the card product id: bounded by the merchant catalogue (hundreds), never an order or card id',
    emittedBy: ['card-inventory'],
    definedIn: 'apps/card-inventory/src/allocation/allocation-metrics.ts',
  },
  {
    name: 'cardlink_cards_allocated_total',
    type: 'counter',
    help: 'Cards taken from stock for orders, by product.',
    labels: { product: SAMPLE_PRODUCTS },
    bound: 'product ids, as above',
    emittedBy: ['card-inventory'],
    definedIn: 'apps/card-inventory/src/allocation/allocation-metrics.ts',
  },
  {
    name: 'cardlink_cards_available',
    type: 'gauge',
    help: 'Unallocated, unvoided cards in stock by product, read from the database on scrape.',
    labels: { product: SAMPLE_PRODUCTS },
    bound: 'product ids, as above; every replica reports the same value, so queries take max',
    emittedBy: ['card-inventory'],
    definedIn: 'apps/card-inventory/src/stock/stock-metrics.ts',
  },
  {
    name: 'cardlink_inventory_available_cards',
    type: 'gauge',
    help: 'Cards a product can still sell, as last published in StockChanged (set by the replica that published, for the products it published).',
    labels: { product_id: SAMPLE_PRODUCTS },
    bound: 'product ids; superseded for dashboards by cardlink_cards_available, which every replica reads on scrape',
    emittedBy: ['card-inventory'],
  },
  {
    name: 'cardlink_deliveries_total',
    type: 'counter',
    help: 'Deliveries that reached a final outcome (delivered, failed), by channel.',
    labels: { channel: DELIVERY_CHANNELS, outcome: ['delivered', 'failed'] },
    emittedBy: ['delivery-notifications'],
    definedIn: 'apps/delivery-notifications/src/deliveries/delivery-metrics.ts',
  },
  {
    name: 'cardlink_delivery_attempts_total',
    type: 'counter',
    help: 'Delivery attempts per channel and outcome (succeeded, transient, permanent, withheld).',
    labels: { channel: DELIVERY_CHANNELS, outcome: ['succeeded', 'transient', 'permanent', 'withheld'] },
    emittedBy: ['delivery-notifications'],
    definedIn: 'apps/delivery-notifications/src/deliveries/delivery-metrics.ts',
  },
  {
    name: 'cardlink_webhooks_total',
    type: 'counter',
    help: 'Inbound webhooks and payment callbacks by source and outcome.',
    labels: {
      source: ['shop', 'payment:simulator', 'payment:alipay'],
      outcome: ['accepted', 'duplicate', 'ignored', 'rejected_signature', 'rejected_timestamp', 'rejected_body', 'rejected_size', 'rejected_content_type'],
    },
    emittedBy: ['shop-gateway'],
    definedIn: 'apps/shop-gateway/src/inbound/webhook-metrics.ts',
  },
  {
    name: 'cardlink_outbox_backlog_events',
    type: 'gauge',
    help: 'Outbox rows not yet published to Kafka, read on scrape (capped at 100 000); NaN when the database did not answer.',
    labels: {},
    bound: 'no labels; the schema is shared by the replicas, so queries take max by service',
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_outbox_oldest_unsent_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest unpublished outbox row, read on scrape; 0 when drained.',
    labels: {},
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_outbox_published_total',
    type: 'counter',
    help: 'Events the outbox relay published to Kafka, by topic.',
    labels: { topic: SAMPLE_TOPICS },
    bound: 'topics come from libs/contracts (nine, plus the environment prefix)',
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_outbox_relay_errors_total',
    type: 'counter',
    help: 'Failed outbox relay passes.',
    labels: {},
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_consumer_lag_messages',
    type: 'gauge',
    help: "Messages between the group's committed offset and the partition end, sampled every 15 s.",
    labels: { group: ['order-processing', 'card-inventory'], topic: SAMPLE_TOPICS, partition: ['0', '1', '2', '3'] },
    bound: "the group's subscribed topics × their partitions; every replica reports the group's lag, so queries take max",
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_consumer_lag_check_errors_total',
    type: 'counter',
    help: 'Failed attempts to measure consumer lag.',
    labels: { group: ['order-processing', 'card-inventory'] },
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_events_consumed_total',
    type: 'counter',
    help: 'Events taken from Kafka by event type and result: handled, duplicate, ignored, dead_lettered.',
    labels: { type: SAMPLE_EVENT_TYPES, result: ['handled', 'duplicate', 'ignored', 'dead_lettered'] },
    bound: 'event types come from libs/contracts',
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_event_handle_duration_seconds',
    type: 'histogram',
    help: 'Time to handle one event, its transaction included.',
    labels: { type: SAMPLE_EVENT_TYPES },
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
  {
    name: 'cardlink_dead_letters_total',
    type: 'counter',
    help: 'Messages sent to a dead-letter topic, by dead-letter topic.',
    labels: { topic: SAMPLE_TOPICS.map((t) => `${t}.dlq`) },
    emittedBy: MESSAGING_SERVICES,
    definedIn: 'libs/messaging/src/lib/messaging-metrics.ts',
  },
  {
    name: 'cardlink_http_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of HTTP requests by method, route pattern and status code (probes and /metrics excluded).',
    labels: { method: ['GET', 'POST'], route: ['/orders/:id', '/webhooks/shop'], status_code: ['200', '401', '500'] },
    bound: '`route` is the Express route pattern or `unmatched`, never the URL',
    emittedBy: SERVICES,
    definedIn: 'libs/observability/src/lib/metrics/metrics-registry.ts',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
];

/** Series Prometheus adds itself that dashboards and alerts may use besides the catalogue. */
export const PROMETHEUS_METRICS = ['up'] as const;

export function findMetric(name: string): MetricSpec | undefined {
  return METRIC_CATALOG.find((m) => m.name === name);
}

/** The catalogue entry a series name belongs to: histograms expose `_bucket`, `_sum` and `_count`. */
export function metricOfSeries(series: string): MetricSpec | undefined {
  const direct = findMetric(series);
  if (direct) return direct;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  const histogram = findMetric(base);
  return histogram?.type === 'histogram' ? histogram : undefined;
}
