import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { OutboxRelay } from '@cardlink/messaging';
import { startGateway, type GatewayUnderTest } from '../testing/gateway-under-test';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

function paidWebhook(shopOrderId: string): { body: string; headers: Record<string, string> } {
  const now = new Date();
  const body = JSON.stringify({
    type: 'order.paid',
    timestamp: now.toISOString(),
    data: {
      order: {
        shopOrderId,
        buyer: { buyerId: 'buyer-7', email: 'li.wei@example.com' },
        lines: [{ lineId: 'line-1', productId: 'prod_steam_50', shopListingId: 'listing_9001', quantity: 1, unitPrice: 4_850 }],
        totalAmount: 4_850,
        currency: 'CNY',
        createdAt: now.toISOString(),
      },
      payment: { paymentId: `pay-${shopOrderId}`, channel: 'alipay', amount: 4_850, currency: 'CNY', paidAt: now.toISOString() },
    },
  });
  const id = `msg_${shopOrderId}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRET).sign(id, now, body),
    },
  };
}

describe('shop-gateway when its database pool is exhausted', () => {
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    // Two connections: the outbox relay's lease holds one, the test takes the other.
    process.env['DATABASE_POOL_SIZE'] = '2';
    gateway = await startGateway({ shop: SECRET });
  });

  afterAll(async () => {
    delete process.env['DATABASE_POOL_SIZE'];
    await gateway?.stop();
  });

  it('answers 503 with Retry-After, stores nothing, and accepts the same webhook once a connection is free', async () => {
    const relay = gateway.service.app.get(OutboxRelay);
    for (let i = 0; i < 100 && !relay.isLeader; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relay.isLeader).toBe(true);
    const holder = gateway.dataSource.createQueryRunner();
    await holder.connect();
    const webhook = paidWebhook(`SO-${randomBytes(4).toString('hex')}`);
    let busy: Response;
    try {
      busy = await fetch(`${gateway.base}/webhooks/shop`, { method: 'POST', headers: webhook.headers, body: webhook.body });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('2');
      expect(await busy.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      await holder.release();
    }
    const again = await fetch(`${gateway.base}/webhooks/shop`, { method: 'POST', headers: webhook.headers, body: webhook.body });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'accepted' });
  }, 30_000);
});
