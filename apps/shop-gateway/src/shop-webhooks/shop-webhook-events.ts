import {
  ContractViolation,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderDisputed,
  ShopOrderPaid,
  ShopOrderRefunded,
  ShopProductUpdated,
  validateEventData,
  type EventData,
  type EventDefinition,
} from '@cardlink/contracts';
import type { ContractEvent } from '../receipts/receipts';

interface WebhookMapping<D extends EventDefinition> {
  definition: D;
  /** The aggregate the event is about: the CloudEvents subject and Kafka key. */
  subjectOf: (data: EventData<D>) => string;
}

function mapping<D extends EventDefinition>(definition: D, subjectOf: (data: EventData<D>) => string): WebhookMapping<D> {
  return { definition, subjectOf };
}

/** The shop's webhook types and the contract event each becomes. */
export const SHOP_WEBHOOK_EVENTS = {
  'order.created': mapping(ShopOrderCreated, (data) => data.order.shopOrderId),
  'order.paid': mapping(ShopOrderPaid, (data) => data.order.shopOrderId),
  'order.cancelled': mapping(ShopOrderCancelled, (data) => data.shopOrderId),
  'order.refunded': mapping(ShopOrderRefunded, (data) => data.shopOrderId),
  // The buyer complained to the shop (e.g. a card that does not work): an after-sale case in order-processing.
  'order.disputed': mapping(ShopOrderDisputed, (data) => data.shopOrderId),
  'product.updated': mapping(ShopProductUpdated, (data) => data.shopListingId),
} as const;

export type ShopWebhookType = keyof typeof SHOP_WEBHOOK_EVENTS;

const KNOWN_TYPES = Object.keys(SHOP_WEBHOOK_EVENTS).join(', ');

/** A webhook body that is not what the shop's contract promises; the message names the field. */
export class InvalidWebhookBody extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidWebhookBody';
  }
}

function isShopWebhookType(type: string): type is ShopWebhookType {
  return Object.prototype.hasOwnProperty.call(SHOP_WEBHOOK_EVENTS, type);
}

/** Quotes what a sender wrote, short enough for a log line or a reply. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

/**
 * Turns a parsed shop webhook `{type, data}` into the contract event it
 * stands for, with `data` validated against the event's schema.
 */
export function toContractEvent(payload: unknown): ContractEvent {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidWebhookBody('the body must be a JSON object {"type": …, "data": …}');
  }
  const { type, data } = payload as { type?: unknown; data?: unknown };
  if (typeof type !== 'string') throw new InvalidWebhookBody(`type: required, one of ${KNOWN_TYPES}`);
  if (!isShopWebhookType(type)) throw new InvalidWebhookBody(`type: unknown webhook type ${quoted(type)}, expected one of ${KNOWN_TYPES}`);
  if (data === undefined) throw new InvalidWebhookBody('data: required');
  const { definition, subjectOf } = SHOP_WEBHOOK_EVENTS[type] as WebhookMapping<EventDefinition>;
  try {
    const valid = validateEventData(definition, data);
    return { definition, subject: subjectOf(valid), data: valid };
  } catch (error) {
    if (error instanceof ContractViolation) {
      throw new InvalidWebhookBody(error.issues.map((issue) => (issue.startsWith('(root)') ? `data${issue.slice('(root)'.length)}` : `data.${issue}`)).join('; '));
    }
    throw error;
  }
}
