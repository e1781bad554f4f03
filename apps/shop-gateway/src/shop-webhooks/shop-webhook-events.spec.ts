import { EVENT_SAMPLES_FOR_TESTS } from './samples.fixture';
import { InvalidWebhookBody, SHOP_WEBHOOK_EVENTS, toContractEvent } from './shop-webhook-events';

const { order, paid, cancelled, refunded, disputed, productUpdated } = EVENT_SAMPLES_FOR_TESTS;

function reasonOf(payload: unknown): string {
  try {
    toContractEvent(payload);
  } catch (error) {
    if (error instanceof InvalidWebhookBody) return error.message;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('toContractEvent: shop webhook type → contract event', () => {
  it.each([
    ['order.created', { order }, 'cardlink.shop.order-created.v1', order.shopOrderId],
    ['order.paid', paid, 'cardlink.shop.order-paid.v1', order.shopOrderId],
    ['order.cancelled', cancelled, 'cardlink.shop.order-cancelled.v1', cancelled.shopOrderId],
    ['order.refunded', refunded, 'cardlink.shop.order-refunded.v1', refunded.shopOrderId],
    ['order.disputed', disputed, 'cardlink.shop.order-disputed.v1', disputed.shopOrderId],
    ['product.updated', productUpdated, 'cardlink.shop.product-updated.v1', productUpdated.shopListingId],
  ])('maps %s to %s with the aggregate id as subject', (type, data, eventType, subject) => {
    const event = toContractEvent({ type, data });
    expect(event.definition.type).toBe(eventType);
    expect(event.subject).toBe(subject);
    expect(event.data).toEqual(data);
  });

  it('covers exactly the six webhook types of the shop', () => {
    expect(Object.keys(SHOP_WEBHOOK_EVENTS).sort()).toEqual(['order.cancelled', 'order.created', 'order.disputed', 'order.paid', 'order.refunded', 'product.updated']);
  });

  it('puts order events on the shop orders topic and product events on the shop products topic', () => {
    expect(SHOP_WEBHOOK_EVENTS['order.paid'].definition.topic).toBe('cardlink.shop.orders.v1');
    expect(SHOP_WEBHOOK_EVENTS['product.updated'].definition.topic).toBe('cardlink.shop.products.v1');
  });

  it('drops fields the contract does not know', () => {
    const event = toContractEvent({ type: 'order.cancelled', data: { ...cancelled, internalNote: 'x' }, extra: true });
    expect(event.data).toEqual(cancelled);
  });

  it.each([
    [null, 'the body must be a JSON object {"type": …, "data": …}'],
    [[1, 2], 'the body must be a JSON object {"type": …, "data": …}'],
    [{ data: {} }, 'type: required, one of order.created, order.paid, order.cancelled, order.refunded, order.disputed, product.updated'],
    [{ type: 'toString', data: {} }, 'type: unknown webhook type "toString", expected one of order.created, order.paid, order.cancelled, order.refunded, order.disputed, product.updated'],
    [{ type: 'order.paid' }, 'data: required'],
  ])('refuses %j: %s', (payload, reason) => {
    expect(reasonOf(payload)).toBe(reason);
  });

  it('names the invalid field, under data', () => {
    expect(reasonOf({ type: 'order.refunded', data: { ...refunded, currency: 'yuan' } })).toBe('data.currency: ISO 4217 code such as CNY');
    expect(reasonOf({ type: 'order.created', data: { order: { ...order, lines: [] } } })).toMatch(/^data\.order\.lines: /);
    expect(reasonOf({ type: 'order.cancelled', data: 'LD1' })).toMatch(/^data: /);
  });

  it('shortens an overlong unknown type in its reason', () => {
    expect(reasonOf({ type: 'x'.repeat(500), data: {} })).toContain(`"${'x'.repeat(64)}…"`);
  });
});
