import { ShopApiError, type Fulfilment, type FulfilmentAccepted } from '@cardlink/shop-client';
import { SendFailure } from '../delivery-policy';
import { describeError, type ChannelSender, type OutgoingDelivery } from './channel-sender';

/** The part of ShopClient this channel uses. */
export interface ShopFulfilment {
  fulfilOrder(orderId: string, fulfilment: Fulfilment, idempotencyKey?: string): Promise<FulfilmentAccepted>;
}

/** Puts the cards on the buyer's order page in the shop. The idempotency key is the delivery id, so a retry fulfils once. */
export class ShopSender implements ChannelSender {
  readonly channel = 'shop' as const;

  constructor(private readonly shop: ShopFulfilment) {}

  async send(delivery: OutgoingDelivery): Promise<void> {
    try {
      await this.shop.fulfilOrder(
        delivery.shopOrderId,
        { lineId: delivery.lineId, cards: delivery.cards.map((c) => (c.password === undefined ? { code: c.code } : { code: c.code, password: c.password })) },
        `delivery:${delivery.deliveryId}`,
      );
    } catch (error) {
      if (error instanceof ShopApiError) throw new SendFailure(`shop: ${error.message}`, !error.retryable, error.retryAfterMs);
      throw new SendFailure(`shop: ${describeError(error)}`, false);
    }
  }
}
