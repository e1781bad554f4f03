import autocannon from 'autocannon';
import { Webhook } from 'standardwebhooks';
import type { EventData, ShopOrderPaid } from '@cardlink/contracts';

export interface WebhookLoadResult {
  connections: number;
  seconds: number;
  /** 2xx answers per second: webhooks stored (receipt and event committed). */
  acceptedPerSecond: number;
  accepted: number;
  non2xx: number;
  statuses: Record<string, number>;
  errors: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** An `order.paid` body as the shop sends it, for one fresh order id. */
export function paidWebhookBody(shopOrderId: string, now: Date): string {
  const data: EventData<typeof ShopOrderPaid> = {
    order: {
      shopOrderId,
      buyer: { buyerId: `bench-buyer-${shopOrderId}`, email: 'bench.buyer@example.com', phone: '+8613812345678' },
      lines: [{ lineId: 'line-1', productId: 'bench-product', shopListingId: 'bench-listing', quantity: 1, unitPrice: 4_850 }],
      totalAmount: 4_850,
      currency: 'CNY',
      createdAt: now.toISOString(),
    },
    payment: { paymentId: `pay-${shopOrderId}`, channel: 'alipay', amount: 4_850, currency: 'CNY', paidAt: now.toISOString() },
  };
  return JSON.stringify({ type: 'order.paid', timestamp: now.toISOString(), data });
}

/**
 * Signed Standard Webhooks, each with a new webhook id and order, against
 * shop-gateway's /webhooks/shop: every 2xx is a receipt and an outbox event
 * committed in Postgres.
 */
export async function runWebhookLoad(opts: { gatewayUrl: string; secret: string; connections: number; seconds: number; runId: string }): Promise<WebhookLoadResult> {
  const signer = new Webhook(opts.secret);
  let n = 0;
  const result = await autocannon({
    url: `${opts.gatewayUrl}/webhooks/shop`,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          n += 1;
          const id = `${opts.runId}-${n}`;
          const now = new Date();
          const body = paidWebhookBody(id, now);
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/json',
              'webhook-id': `msg_${id}`,
              'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
              'webhook-signature': signer.sign(`msg_${id}`, now, body),
            },
          };
        },
      },
    ],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]));
  return {
    connections: opts.connections,
    seconds: result.duration,
    acceptedPerSecond: result['2xx'] / result.duration,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}
