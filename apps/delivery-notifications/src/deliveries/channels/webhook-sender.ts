import { Webhook } from 'standardwebhooks';
import { SendFailure } from '../delivery-policy';
import { describeError, type ChannelSender, type OutgoingDelivery } from './channel-sender';

export interface WebhookSettings {
  url?: string;
  secret?: string;
  timeoutMs: number;
}

export const WEBHOOK_EVENT_TYPE = 'cards.delivered';

/** The merchant's own endpoint, signed with Standard Webhooks; `webhook-id` is the delivery id, so every retry carries the same id. */
export class WebhookSender implements ChannelSender {
  readonly channel = 'webhook' as const;
  private readonly signer?: Webhook;

  constructor(private readonly settings: WebhookSettings) {
    if (settings.secret) this.signer = new Webhook(settings.secret);
  }

  async send(delivery: OutgoingDelivery): Promise<void> {
    if (!this.settings.url || !this.signer) throw new SendFailure('no merchant webhook configured (MERCHANT_WEBHOOK_URL)', true);
    const sentAt = new Date();
    const body = JSON.stringify({
      type: WEBHOOK_EVENT_TYPE,
      timestamp: sentAt.toISOString(),
      data: {
        deliveryId: delivery.deliveryId,
        orderId: delivery.orderId,
        shopOrderId: delivery.shopOrderId,
        lineId: delivery.lineId,
        productId: delivery.productId,
        cards: delivery.cards.map((c) => ({ cardId: c.cardId, code: c.code, ...(c.password === undefined ? {} : { password: c.password }) })),
      },
    });
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': delivery.deliveryId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': this.signer.sign(delivery.deliveryId, sentAt, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new SendFailure(`merchant webhook: ${describeError(error)}`, false);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const status = response.status;
    const retryAfter = Number(response.headers.get('retry-after'));
    const transient = status === 408 || status === 429 || status >= 500;
    throw new SendFailure(`merchant webhook answered ${status}`, !transient, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
}
