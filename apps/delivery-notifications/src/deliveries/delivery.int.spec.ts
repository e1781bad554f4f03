import { CardsAllocated, DeliveryFailed, DeliveryRetryRequested, DeliverySucceeded, OrderCancelled, OrderPaid, TOPICS } from '@cardlink/contracts';
import { decodeEvent } from '@cardlink/messaging';
import { readTopic } from '@cardlink/messaging/testing';
import { DeliveryUnderTest, type TestCard } from '../testing/delivery-under-test';
import { runRetryCommand } from './retry-command';

const cardsOf = (order: string, n: number): TestCard[] =>
  Array.from({ length: n }, (_, i) => ({ cardId: `${order}-card-${i}`, code: `SECRET-${order.toUpperCase()}-${i}-CODE`, password: `pw-${order}-${i}-secret` }));

describe('delivery-notifications against real Kafka, Postgres and SMTP', () => {
  const world = new DeliveryUnderTest();
  const allCards: TestCard[] = [];

  beforeAll(() => world.start(), 90_000);
  afterAll(() => world.stop(), 60_000);

  async function outboxTypes(orderId: string): Promise<string[]> {
    const rows = await world.query<{ event_type: string }>('SELECT event_type FROM outbox WHERE message_key = $1 ORDER BY id', [orderId]);
    return rows.map((r) => r.event_type);
  }

  it('delivers an allocated order once per channel: one email with the cards, one signed merchant webhook, one shop fulfilment; a redelivered event sends nothing more', async () => {
    const cards = cardsOf('o1', 2);
    allCards.push(...cards);
    await world.query(`INSERT INTO product_settings (product_id, channels, source) VALUES ('prod-steam-50', '["shop","email","webhook"]', 'admin')`);
    const { paid, allocated } = await world.paidAndAllocated({ orderId: 'o1', shopOrderId: 'LD-0001', email: 'buyer1@example.com', locale: 'en', cards });

    const deliveries = await world.settled('o1', 3);
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['email', 'succeeded', 1],
      ['shop', 'succeeded', 1],
      ['webhook', 'succeeded', 1],
    ]);

    const mails = world.smtp.to('buyer1@example.com');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.subject).toBe('Your cards for order LD-0001');
    for (const card of cards) {
      expect(mail.text).toContain(card.code);
      expect(mail.text).toContain(card.password);
      expect(mail.html).toContain(`<code>${card.code}</code>`);
    }
    expect(mail.text).toContain(`${world.base}/pickup/`);

    const hooks = world.merchant.requests;
    expect(hooks).toHaveLength(1);
    const verified = world.verifyWebhook(hooks[0]) as { type: string; data: { orderId: string; shopOrderId: string; cards: { code: string; password?: string }[] } };
    expect(verified.type).toBe('cards.delivered');
    expect(verified.data).toMatchObject({ orderId: 'o1', shopOrderId: 'LD-0001' });
    expect(verified.data.cards.map((c) => c.code)).toEqual(cards.map((c) => c.code));
    expect(() => world.verifyWebhook({ ...hooks[0], body: hooks[0].body.replace('LD-0001', 'LD-0002') })).toThrow();

    expect(world.shop.fulfilments()).toEqual([{ orderId: 'LD-0001', lineId: 'line-1', cards: cards.map((c) => ({ code: c.code, password: c.password })) }]);
    expect(await outboxTypes('o1')).toEqual([DeliverySucceeded.type, DeliverySucceeded.type, DeliverySucceeded.type]);
    // The events stay in the order's flow.
    const correlations = await world.query<{ headers: string }>(`SELECT headers::text FROM outbox WHERE message_key = 'o1'`);
    expect(correlations.map((r) => JSON.parse(r.headers).ce_correlationid)).toEqual(['flow-o1', 'flow-o1', 'flow-o1']);

    // The same events again, as Kafka may redeliver them.
    await world.publishEnvelope(OrderPaid, paid);
    await world.publishEnvelope(CardsAllocated, allocated);
    await world.eventually(
      () => world.query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [[paid.id, allocated.id]]),
      (rows) => rows.length === 2,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(world.smtp.to('buyer1@example.com')).toHaveLength(1);
    expect(world.merchant.requests).toHaveLength(1);
    expect(world.shop.requests.filter((r) => r.path.endsWith('/fulfilments'))).toHaveLength(1);
    expect(await world.deliveriesOf('o1')).toHaveLength(3);
    expect(await outboxTypes('o1')).toHaveLength(3);
  }, 90_000);

  it('keeps retrying while the SMTP server is down and delivers when it is back; messages older than the cut-off are withheld', async () => {
    await world.smtp.stop();
    const fresh = cardsOf('o2', 1);
    const old = cardsOf('o3', 1);
    allCards.push(...fresh, ...old);
    await world.paidAndAllocated({ orderId: 'o2', shopOrderId: 'LD-0002', email: 'buyer2@example.com', productId: 'prod-default', cards: fresh });
    await world.paidAndAllocated({
      orderId: 'o3',
      shopOrderId: 'LD-0003',
      email: 'buyer3@example.com',
      productId: 'prod-default',
      cards: old,
      allocatedAt: new Date(Date.now() - 2 * 3_600_000),
    });

    const transientFailures = () =>
      world.query<{ error: string }>(
        `SELECT a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.order_id = 'o2' AND d.channel = 'email' AND a.outcome = 'transient'`,
      );
    const failures = await world.eventually(transientFailures, (rows) => rows.length >= 3);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0].error).toMatch(/^SMTP .*ECONNREFUSED/);
    expect((await world.deliveriesOf('o2')).find((r) => r.channel === 'email')).toMatchObject({ status: 'pending' });

    await world.smtp.start();
    const o2 = await world.settled('o2', 2);
    expect(o2.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'succeeded'],
      ['shop', 'succeeded'],
    ]);
    expect(o2.find((d) => d.channel === 'email')?.attempts).toBeGreaterThanOrEqual(4);
    const mails = world.smtp.to('buyer2@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain(fresh[0].code);
    // The default channels and the built-in Chinese wording for a buyer without a locale.
    expect(mails[0].subject).toBe('订单 LD-0002 的卡密');

    const o3 = await world.settled('o3', 2);
    expect(o3.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'withheld'],
      ['shop', 'succeeded'],
    ]);
    expect(world.smtp.to('buyer3@example.com')).toHaveLength(0);
    expect(await outboxTypes('o3')).toEqual(expect.arrayContaining([DeliveryFailed.type, DeliverySucceeded.type]));
  }, 90_000);

  it('fails a bounced address fast, shows it, and retries it on request', async () => {
    const cards = cardsOf('o4', 1);
    allCards.push(...cards);
    await world.paidAndAllocated({ orderId: 'o4', shopOrderId: 'LD-0004', email: 'bounce@example.com', productId: 'prod-default', cards });
    const settled = await world.settled('o4', 2);
    const email = settled.find((d) => d.channel === 'email');
    expect(email).toMatchObject({ status: 'failed', attempts: 1 });

    const listed = await fetch(`${world.base}/deliveries?status=failed&orderId=o4`, { headers: { authorization: world.admin.authorization } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: { id: string; permanent: boolean; recipient: string; lastError: string }[] };
    expect(body.items).toEqual([expect.objectContaining({ id: email?.id, permanent: true, recipient: expect.stringMatching(/^b\*+@example\.com$/) })]);
    expect(body.items[0].lastError).toMatch(/^SMTP .*550/);
    expect(JSON.stringify(body)).not.toContain('bounce@example.com');

    expect((await fetch(`${world.base}/deliveries/${email?.id}/retry`, { method: 'POST' })).status).toBe(401);
    const retried = await fetch(`${world.base}/deliveries/${email?.id}/retry`, { method: 'POST', headers: { authorization: world.admin.authorization } });
    expect(retried.status).toBe(202);
    const again = await world.eventually(
      () => world.query<{ number: number }>('SELECT number FROM delivery_attempts WHERE delivery_id = $1', [email?.id]),
      (rows) => rows.length === 2,
    );
    expect(again).toHaveLength(2);
    await world.eventually(() => world.deliveriesOf('o4'), (rows) => rows.find((r) => r.channel === 'email')?.status === 'failed');

    // The same from the command line, as an operator would with `node main.js retry-deliveries <id>`.
    const printed: string[] = [];
    expect(await runRetryCommand([email?.id ?? ''], (line) => printed.push(line))).toBe(0);
    expect(printed).toEqual([`${email?.id}: queued again`]);
    const third = await world.eventually(
      () => world.query<{ number: number }>('SELECT number FROM delivery_attempts WHERE delivery_id = $1', [email?.id]),
      (rows) => rows.length === 3,
    );
    expect(third).toHaveLength(3);
    expect(await runRetryCommand(['--all-failed', 'extra-id'], () => undefined)).toBe(64);
    const shopId = settled.find((d) => d.channel === 'shop')?.id;
    const refused = await fetch(`${world.base}/deliveries/${shopId}/retry`, { method: 'POST', headers: { authorization: world.admin.authorization } });
    expect(refused.status).toBe(409);
  }, 60_000);

  it('saves only valid templates, previews them, and uses a product template for its email', async () => {
    const auth = { authorization: world.admin.authorization, 'content-type': 'application/json' };
    const put = (path: string, body: unknown, headers: Record<string, string> = auth) =>
      fetch(`${world.base}/templates/${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });

    const unknown = await put('prod-tpl/email/en', { subject: 'Hi {{buyer.name}}', body: '{{cards}} {{orderTotal}}' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('unknown variable {{buyer.name}}');
    expect((await put('prod-tpl/fax/en', { body: '{{cards}}' })).status).toBe(400);
    const reader = { authorization: `Bearer not-a-known-token`, 'content-type': 'application/json' };
    expect((await put('prod-tpl/email/en', { subject: 'x', body: '{{cards}}' }, reader)).status).toBe(401);

    const saved = await put('prod-tpl/email/en', { subject: 'Keys for {{order.number}} ({{product.title}})', body: 'Here they are:\n{{cards}}\n\nLink: {{pickupLink}}' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ productId: 'prod-tpl', channel: 'email', locale: 'en', updatedBy: 'staff' });

    const preview = await fetch(`${world.base}/templates/preview`, { method: 'POST', headers: auth, body: JSON.stringify({ productId: 'prod-tpl', channel: 'email', locale: 'en' }) });
    expect(preview.status).toBe(200);
    const rendered = (await preview.json()) as { subject: string; text: string; html: string };
    expect(rendered.subject).toBe('Keys for LD20250301000123 (Steam 50 CNY gift card)');
    expect(rendered.html).toContain('<code>XXXX-XXXX-XXXX-0001</code>');
    const badPreview = await fetch(`${world.base}/templates/preview`, { method: 'POST', headers: auth, body: JSON.stringify({ channel: 'sms', locale: 'en', body: 'no cards here' }) });
    expect(badPreview.status).toBe(400);

    const cards = cardsOf('o5', 1);
    allCards.push(...cards);
    await world.paidAndAllocated({ orderId: 'o5', shopOrderId: 'LD-0005', email: 'buyer5@example.com', locale: 'en', productId: 'prod-tpl', cards });
    await world.settled('o5', 2);
    const [mail] = world.smtp.to('buyer5@example.com');
    expect(mail.subject).toBe('Keys for LD-0005 (prod-tpl)');
    expect(mail.text).toContain(cards[0].code);
  }, 60_000);

  it('sends an SMS through the provider when the product asks for it, and fails fast on a number the provider refuses', async () => {
    const channels = await fetch(`${world.base}/products/prod-sms/delivery-channels`, {
      method: 'PUT',
      headers: { authorization: world.admin.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['sms'] }),
    });
    expect(channels.status).toBe(200);
    const good = cardsOf('o6', 1);
    const bad = cardsOf('o7', 1);
    allCards.push(...good, ...bad);
    await world.paidAndAllocated({ orderId: 'o6', shopOrderId: 'LD-0006', phone: '+8613800000006', productId: 'prod-sms', cards: good });
    await world.paidAndAllocated({ orderId: 'o7', shopOrderId: 'LD-0007', phone: '+8600000', productId: 'prod-sms', cards: bad });
    expect((await world.settled('o6', 1)).map((d) => [d.channel, d.status])).toEqual([['sms', 'succeeded']]);
    expect((await world.settled('o7', 1)).map((d) => [d.channel, d.status, d.attempts])).toEqual([['sms', 'failed', 1]]);
    const sent = world.sms.requests.filter((r) => r.path === '/sms/messages');
    expect(sent.filter((r) => r.body.includes('+8613800000006'))).toHaveLength(1);
    expect(JSON.parse(sent.find((r) => r.body.includes('+8613800000006'))?.body ?? '{}').text).toContain(good[0].code);
    expect(sent[0].headers['authorization']).toBe('Bearer sms-test-key');
  }, 60_000);

  it('puts an order\'s failed deliveries back in the queue on DeliveryRetryRequested and delivers them once', async () => {
    await world.query(`INSERT INTO product_settings (product_id, channels, source) VALUES ('prod-hook', '["webhook"]', 'admin')`);
    const cards = cardsOf('o8', 1);
    allCards.push(...cards);
    const hooksOf = (orderId: string) => world.merchant.requests.filter((r) => r.body.includes(`"orderId":"${orderId}"`));
    world.merchantStatus = 410;
    await world.paidAndAllocated({ orderId: 'o8', shopOrderId: 'LD-0008', productId: 'prod-hook', cards });
    expect((await world.settled('o8', 1)).map((d) => [d.channel, d.status, d.attempts])).toEqual([['webhook', 'failed', 1]]);
    expect(hooksOf('o8')).toHaveLength(1);

    world.merchantStatus = 204;
    const request = { orderId: 'o8', shopOrderId: 'LD-0008', requestedBy: 'alice', reason: 'merchant endpoint fixed', requestedAt: new Date().toISOString() };
    const retry = await world.publish(DeliveryRetryRequested, 'o8', request, 'flow-o8');
    const delivered = await world.eventually(() => world.deliveriesOf('o8'), (rows) => rows[0]?.status === 'succeeded');
    expect(delivered.map((d) => [d.channel, d.status, d.attempts])).toEqual([['webhook', 'succeeded', 1]]);
    const hooks = hooksOf('o8');
    expect(hooks).toHaveLength(2);
    const verified = world.verifyWebhook(hooks[1]) as { data: { cards: { code: string }[] } };
    expect(verified.data.cards.map((c) => c.code)).toEqual([cards[0].code]);

    // The same request redelivered, and a second request once it is delivered: nothing is sent again.
    await world.publishEnvelope(DeliveryRetryRequested, retry);
    await world.consumed(await world.publish(DeliveryRetryRequested, 'o8', { ...request, requestedAt: new Date().toISOString() }, 'flow-o8'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(hooksOf('o8')).toHaveLength(2);
    expect(await world.deliveriesOf('o8')).toMatchObject([{ status: 'succeeded' }]);
    expect(await outboxTypes('o8')).toEqual([DeliveryFailed.type, DeliverySucceeded.type]);
  }, 60_000);

  it('delivers a replacement card as a new delivery and no longer shows the voided card on the pickup page', async () => {
    const [voided, kept] = cardsOf('o9', 2);
    const [replacement] = cardsOf('o9r', 1);
    allCards.push(voided, kept, replacement);
    await world.paidAndAllocated({ orderId: 'o9', shopOrderId: 'LD-0009', email: 'buyer9@example.com', locale: 'en', productId: 'prod-default', cards: [voided, kept] });
    expect((await world.settled('o9', 2)).map((d) => d.status)).toEqual(['succeeded', 'succeeded']);

    const replaced = await world.allocated({ orderId: 'o9', productId: 'prod-default', allocationId: 'alloc-o9-replacement', replacesCardId: voided.cardId, cards: [replacement] });
    const all = await world.settled('o9', 4);
    expect(all.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'succeeded'],
      ['email', 'succeeded'],
      ['shop', 'succeeded'],
      ['shop', 'succeeded'],
    ]);
    const mails = world.smtp.to('buyer9@example.com');
    expect(mails).toHaveLength(2);
    expect(mails[1].text).toContain(replacement.code);
    expect(mails[1].text).not.toContain(voided.code);
    expect(mails[1].text).not.toContain(kept.code);
    expect(world.shop.fulfilments().filter((f) => f.orderId === 'LD-0009')).toEqual([
      { orderId: 'LD-0009', lineId: 'line-1', cards: [voided, kept].map((c) => ({ code: c.code, password: c.password })) },
      { orderId: 'LD-0009', lineId: 'line-1', cards: [{ code: replacement.code, password: replacement.password }] },
    ]);

    // The replacement redelivered sends nothing more.
    await world.publishEnvelope(CardsAllocated, replaced);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await world.deliveriesOf('o9')).toHaveLength(4);
    expect(world.smtp.to('buyer9@example.com')).toHaveLength(2);

    const link = /https?:\/\/\S+\/pickup\/link\?token=[\w.-]+/.exec(mails[1].text ?? '')?.[0];
    // The link in the replacement mail points at this service's pickup page.
    expect(link?.startsWith(`${world.base}/pickup/link?token=`)).toBe(true);
    const page = await (await fetch(link ?? '')).text();
    expect(page).toContain(kept.code);
    expect(page).toContain(replacement.code);
    expect(page).not.toContain(voided.code);
  }, 60_000);

  it('cancels the unsent deliveries of a cancelled order, visibly, and sends nothing for it afterwards', async () => {
    const cards = cardsOf('o10', 1);
    allCards.push(...cards);
    const hooksOf = (orderId: string) => world.merchant.requests.filter((r) => r.body.includes(`"orderId":"${orderId}"`)).length;
    world.merchantStatus = 503;
    await world.paidAndAllocated({ orderId: 'o10', shopOrderId: 'LD-0010', productId: 'prod-hook', cards });
    await world.eventually(() => hooksOf('o10'), (n) => n >= 2);
    expect((await world.deliveriesOf('o10'))[0]).toMatchObject({ status: 'pending' });

    await world.publish(OrderCancelled, 'o10', { orderId: 'o10', reason: 'buyer asked', cancelledAt: new Date().toISOString() }, 'flow-o10');
    const cancelled = await world.eventually(() => world.deliveriesOf('o10'), (rows) => rows[0]?.status === 'cancelled');
    expect(cancelled).toMatchObject([{ channel: 'webhook', status: 'cancelled', last_error: 'order cancelled: buyer asked' }]);
    await new Promise((r) => setTimeout(r, 300));
    const sentBefore = hooksOf('o10');
    world.merchantStatus = 204;
    await new Promise((r) => setTimeout(r, 1500));
    expect(hooksOf('o10')).toBe(sentBefore);
    expect(await world.deliveriesOf('o10')).toMatchObject([{ status: 'cancelled' }]);
    expect(await outboxTypes('o10')).toEqual([]);

    const listed = await fetch(`${world.base}/deliveries?status=cancelled&orderId=o10`, { headers: { authorization: world.admin.authorization } });
    expect(((await listed.json()) as { items: { status: string }[] }).items).toEqual([expect.objectContaining({ status: 'cancelled', lastError: 'order cancelled: buyer asked' })]);
    const id = cancelled[0].id;
    expect((await fetch(`${world.base}/deliveries/${id}/retry`, { method: 'POST', headers: { authorization: world.admin.authorization } })).status).toBe(409);

    // Cards that arrive after the cancellation are recorded as cancelled deliveries and not sent.
    const late = cardsOf('o11', 1);
    allCards.push(...late);
    const paid = await world.paid({ orderId: 'o11', shopOrderId: 'LD-0011', email: 'buyer11@example.com', productId: 'prod-default', cards: late });
    await world.consumed(paid, await world.publish(OrderCancelled, 'o11', { orderId: 'o11', reason: 'payment reversed', cancelledAt: new Date().toISOString() }));
    await world.allocated({ orderId: 'o11', productId: 'prod-default', cards: late });
    const recorded = await world.settled('o11', 2);
    expect(recorded.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'cancelled'],
      ['shop', 'cancelled'],
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(world.smtp.to('buyer11@example.com')).toHaveLength(0);
    expect(world.shop.fulfilments().filter((f) => f.orderId === 'LD-0011')).toHaveLength(0);
  }, 60_000);

  it('leaves no card secret in plaintext in its tables, its topics or its logs', async () => {
    const dump = await world.schemaDump();
    expect(dump).toContain('"ciphertext"');
    const topics = await Promise.all(
      [TOPICS.deliveries, TOPICS.allocations, TOPICS.orderLifecycle].map((t) =>
        readTopic(world.kafka, `${world.prefix}${t}`, (messages) => t !== TOPICS.deliveries || messages.length >= 12, 10_000),
      ),
    );
    const topicText = topics
      .flat()
      .map((m) => JSON.stringify(decodeEvent(m.message)))
      .join('\n');
    expect(topicText).toContain('delivery-succeeded');
    const logs = world.logs.text();
    expect(logs).toContain('"msg":"delivered"');
    for (const card of allCards) {
      for (const secret of [card.code, card.password ?? card.code]) {
        expect(dump).not.toContain(secret);
        expect(topicText).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    }
  }, 60_000);
});
