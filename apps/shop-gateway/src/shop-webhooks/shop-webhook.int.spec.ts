import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { TOPICS, type EventData, type ShopOrderCreated } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic } from '@cardlink/messaging/testing';
import { ReceiptPurge } from '../receipts/receipts';
import { startGateway, type GatewayUnderTest } from '../testing/gateway-under-test';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const OLD_SECRET = newSecret();
const NEW_SECRET = newSecret();

function order(shopOrderId: string): EventData<typeof ShopOrderCreated>['order'] {
  return {
    shopOrderId,
    buyer: { buyerId: 'buyer-7', email: 'li.wei@example.com', phone: '+8613812345678' },
    lines: [{ lineId: 'line-1', productId: 'prod_steam_50', shopListingId: 'listing_9001', quantity: 2, unitPrice: 4_850 }],
    totalAmount: 9_700,
    currency: 'CNY',
    createdAt: new Date().toISOString(),
  };
}

interface Signing {
  id?: string;
  at?: Date;
  secret?: string;
}

/** The headers the shop sends, signed with the standardwebhooks library as the shop does. */
function signed(body: string, signing: Signing = {}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const id = signing.id ?? `msg_${randomUUID()}`;
  const at = signing.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signing.secret ?? OLD_SECRET).sign(id, at, body),
  };
}

describe('POST /webhooks/shop against real Kafka and Postgres', () => {
  let gateway: GatewayUnderTest;
  let dataSource: DataSource;
  let base: string;

  beforeAll(async () => {
    gateway = await startGateway({ shop: `${OLD_SECRET} ${NEW_SECRET}` });
    ({ dataSource, base } = gateway);
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  function post(body: string | Buffer, headers: Record<string, string>, contentType = 'application/json') {
    return fetch(`${base}/webhooks/shop`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  }

  async function receiptsOf(webhookId: string): Promise<number> {
    const rows: { count: string }[] = await dataSource.query(`SELECT count(*) FROM receipt WHERE sender = 'shop' AND delivery_id = $1`, [webhookId]);
    return Number(rows[0]?.count);
  }

  async function outboxRows(): Promise<number> {
    const rows: { count: string }[] = await dataSource.query('SELECT count(*) FROM outbox');
    return Number(rows[0]?.count);
  }

  /** Every event published for one order, read until the event `until` says the sequence is complete. */
  async function eventsOfOrder(shopOrderId: string, until: (types: string[]) => boolean) {
    const messages = await readTopic(gateway.kafka, `${gateway.prefix}${TOPICS.shopOrders}`, (read) =>
      until(read.filter((m) => m.message.key?.toString() === shopOrderId).map((m) => decodeEvent(m.message).type)),
    );
    return messages.filter((m) => m.message.key?.toString() === shopOrderId).map((m) => decodeEvent(m.message));
  }

  it('accepts a validly signed webhook once and publishes exactly one contract event, even when it is sent again', async () => {
    const shopOrderId = `LD-${randomUUID()}`;
    const created = order(shopOrderId);
    const body = JSON.stringify({ type: 'order.created', data: { order: created } });
    const headers = signed(body);

    const first = await post(body, headers);
    expect(first.status).toBe(200);
    const accepted = (await first.json()) as { status: string; eventId: string };
    expect(accepted.status).toBe('accepted');

    const again = await post(body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', eventId: accepted.eventId });
    expect(await receiptsOf(headers['webhook-id'])).toBe(1);

    // A later webhook about the same order lands behind any copy of the first on the same partition.
    const cancel = JSON.stringify({ type: 'order.cancelled', data: { shopOrderId, cancelledAt: new Date().toISOString() } });
    expect((await post(cancel, signed(cancel))).status).toBe(200);

    const events = await eventsOfOrder(shopOrderId, (types) => types.includes('cardlink.shop.order-cancelled.v1'));
    expect(events.map((e) => e.type)).toEqual(['cardlink.shop.order-created.v1', 'cardlink.shop.order-cancelled.v1']);
    expect(events[0]).toMatchObject({ id: accepted.eventId, subject: shopOrderId, source: 'shop-gateway', data: { order: created } });
  });

  it('lets exactly one of many concurrent copies of a webhook through', async () => {
    const body = JSON.stringify({ type: 'order.created', data: { order: order(`LD-${randomUUID()}`) } });
    const headers = signed(body);
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(body, headers).then((r) => r.json() as Promise<{ status: string }>)));
    expect(replies.map((reply) => reply.status).sort()).toEqual(['accepted', ...Array<string>(9).fill('duplicate')]);
    expect(await receiptsOf(headers['webhook-id'])).toBe(1);
  });

  it('verifies the exact bytes sent: pretty-printed JSON larger than Express’s default 100 KiB limit is accepted', async () => {
    const shopOrderId = `LD-${randomUUID()}`;
    const body = JSON.stringify({ type: 'order.created', data: { order: order(shopOrderId) }, note: 'x'.repeat(150 * 1024) }, null, 2);
    const response = await post(body, signed(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'accepted' });
  });

  it('accepts a webhook signed with the second secret of a key rotation', async () => {
    const body = JSON.stringify({ type: 'order.created', data: { order: order(`LD-${randomUUID()}`) } });
    const response = await post(body, signed(body, { secret: NEW_SECRET }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'accepted' });
  });

  describe('refuses, storing nothing,', () => {
    let outboxBefore: number;
    beforeEach(async () => {
      outboxBefore = await outboxRows();
    });
    afterEach(async () => {
      expect(await outboxRows()).toBe(outboxBefore);
    });

    const validBody = () => JSON.stringify({ type: 'order.created', data: { order: order(`LD-${randomUUID()}`) } });

    it('a body changed by one byte after signing (401)', async () => {
      const body = validBody();
      const headers = signed(body);
      const tampered = body.replace('"totalAmount":9700', '"totalAmount":9701');
      expect(tampered).not.toBe(body);
      const response = await post(tampered, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'webhook-signature matches none of the shop secrets' });
      expect(await receiptsOf(headers['webhook-id'])).toBe(0);
    });

    it('a webhook signed with a secret that is not configured (401)', async () => {
      const body = validBody();
      const response = await post(body, signed(body, { secret: newSecret() }));
      expect(response.status).toBe(401);
    });

    it('a timestamp 6 minutes old, saying it is stale (401)', async () => {
      const body = validBody();
      const response = await post(body, signed(body, { at: new Date(Date.now() - 6 * 60_000) }));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(/^stale: /);
    });

    it('a timestamp 6 minutes ahead, saying it is in the future (401)', async () => {
      const body = validBody();
      const response = await post(body, signed(body, { at: new Date(Date.now() + 6 * 60_000) }));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { message: string }).message).toMatch(/^future: /);
    });

    it('an unsigned webhook (401)', async () => {
      const response = await post(validBody(), {});
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'missing header(s): webhook-id, webhook-timestamp, webhook-signature' });
    });

    it('a body over 256 KiB (413)', async () => {
      const body = JSON.stringify({ type: 'order.created', data: { order: order('LD-big') }, note: 'x'.repeat(300 * 1024) });
      const response = await post(body, signed(body));
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ message: 'the body is larger than 256 KiB' });
    });

    it('malformed JSON, with the parser’s reason (400)', async () => {
      const body = '{"type": "order.created", "data": {';
      const response = await post(body, signed(body));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/^malformed JSON: Expected property name or '}' in JSON at position 35/);
    });

    it('data that breaks the contract, naming the field (400)', async () => {
      const broken = { ...order(`LD-${randomUUID()}`), totalAmount: 97.5 };
      const body = JSON.stringify({ type: 'order.created', data: { order: broken } });
      const response = await post(body, signed(body));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/^data\.order\.totalAmount: /);
    });

    it('a webhook type the contract does not know (400)', async () => {
      const body = JSON.stringify({ type: 'order.shipped', data: {} });
      const response = await post(body, signed(body));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/^type: unknown webhook type "order.shipped"/);
    });

    it('a body that is not application/json (415)', async () => {
      const body = validBody();
      const response = await post(body, signed(body), 'text/plain');
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ message: 'content-type must be application/json, got text/plain' });
    });
  });

  it('counts every outcome in cardlink_webhooks_total', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = (outcome: string) => Number(new RegExp(`cardlink_webhooks_total\\{[^}]*source="shop"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(metrics)?.[1]);
    expect(count('accepted')).toBe(5);
    expect(count('duplicate')).toBe(10);
    expect(count('rejected_signature')).toBe(3);
    expect(count('rejected_timestamp')).toBe(2);
    expect(count('rejected_size')).toBe(1);
    expect(count('rejected_body')).toBe(3);
    expect(count('rejected_content_type')).toBe(1);
  });

  it('serves no simulator payment callbacks when PAYMENT_PROVIDER_SECRET is unset', async () => {
    const response = await fetch(`${base}/callbacks/payments/simulator`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'unknown payment provider "simulator"; known: none' });
  });

  it('forgets receipts only after the retention (7 days by default)', async () => {
    await dataSource.query(
      `INSERT INTO receipt (sender, delivery_id, event_type, event_id, received_at) VALUES
       ('shop', 'msg_old', 'cardlink.shop.order-created.v1', $1, now() - interval '8 days'),
       ('shop', 'msg_recent', 'cardlink.shop.order-created.v1', $2, now() - interval '6 days')`,
      [randomUUID(), randomUUID()],
    );
    expect(await gateway.service.app.get(ReceiptPurge).purge()).toBe(1);
    expect(await receiptsOf('msg_old')).toBe(0);
    expect(await receiptsOf('msg_recent')).toBe(1);
  });
});
