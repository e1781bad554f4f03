import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ShopOrderDisputed, TOPICS } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic } from '@cardlink/messaging/testing';
import { startGateway, type GatewayUnderTest } from '../testing/gateway-under-test';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

function signed(body: string): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(SECRET).sign(id, at, body) };
}

/** The shop's dispute webhook becomes ShopOrderDisputed, which opens an after-sale case in order-processing. */
describe('POST /webhooks/shop with order.disputed against real Kafka and Postgres', () => {
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    gateway = await startGateway({ shop: SECRET });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('publishes ShopOrderDisputed once, keyed by the shop order, and refuses a dispute without its id', async () => {
    const shopOrderId = `LD-${randomUUID()}`;
    const dispute = { shopOrderId, disputeId: `dp-${randomUUID()}`, reason: 'the card code does not work', amount: 4_850, currency: 'CNY', openedAt: new Date().toISOString() };
    const body = JSON.stringify({ type: 'order.disputed', data: dispute });
    const headers = signed(body);
    const post = (text: string, h: Record<string, string>) => fetch(`${gateway.base}/webhooks/shop`, { method: 'POST', headers: h, body: text });

    const first = await post(body, headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    expect(await (await post(body, headers)).json()).toMatchObject({ status: 'duplicate' });
    const incomplete = JSON.stringify({ type: 'order.disputed', data: { ...dispute, disputeId: undefined } });
    const refused = await post(incomplete, signed(incomplete));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toContain('data.disputeId');

    const messages = await readTopic(gateway.kafka, `${gateway.prefix}${TOPICS.shopOrders}`, (read) => read.some((m) => m.message.key?.toString() === shopOrderId));
    const events = messages.filter((m) => m.message.key?.toString() === shopOrderId).map((m) => decodeEvent(m.message));
    expect(events).toEqual([expect.objectContaining({ type: ShopOrderDisputed.type, subject: shopOrderId, source: 'shop-gateway', data: dispute })]);
  });
});
