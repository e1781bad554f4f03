/**
 * Kafka topics, one per stream. Events of one aggregate share a topic and are
 * keyed by the aggregate id, so one order's events stay in order. The version
 * in a topic's name changes only when the stream itself is reorganised; event
 * versions live in each event's `type`.
 */
export const TOPICS = {
  shopOrders: 'cardlink.shop.orders.v1',
  shopProducts: 'cardlink.shop.products.v1',
  payments: 'cardlink.payments.callbacks.v1',
  orderLifecycle: 'cardlink.orders.lifecycle.v1',
  riskAssessments: 'cardlink.risk.assessments.v1',
  allocations: 'cardlink.inventory.allocations.v1',
  stock: 'cardlink.inventory.stock.v1',
  deliveries: 'cardlink.delivery.deliveries.v1',
  catalogProducts: 'cardlink.catalog.products.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const DEAD_LETTER_SUFFIX = '.dlq';

export function deadLetterTopic(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** Every topic the platform uses, with its dead-letter topic, for provisioning. */
export function allTopicNames(): string[] {
  return Object.values(TOPICS).flatMap((t) => [t, deadLetterTopic(t)]);
}

/** The six services, as named in event sources and in the AsyncAPI document. */
export const SERVICE_NAMES = [
  'shop-gateway',
  'order-processing',
  'risk-control',
  'card-inventory',
  'delivery-notifications',
  'catalog-sync',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
