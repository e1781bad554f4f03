import { execFileSync } from 'node:child_process';
import { randomBytes, type KeyObject } from 'node:crypto';
import { Client } from 'pg';
import { generateDeliveryKeyPair, openSealed, parsePrivateKey } from '@cardlink/card-crypto';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import {
  allTopicNames,
  CardsAllocated,
  createEnvelope,
  OrderApproved,
  OrderCancelled,
  OutOfStock,
  StockChanged,
  StockLow,
  type EventData,
  type EventDefinition,
} from '@cardlink/contracts';
import { decodeEvent, encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka, type ReadMessage } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { decodeCardSecret, type CardSecret } from './secrets/card-secret';

const at = '2026-11-27T03:00:00.000Z';

/**
 * card-inventory as it runs: real Kafka, real Postgres, HTTP with credentials.
 * Every secret the test imports is remembered, and the last test searches every
 * Kafka topic of the run and a pg_dump of the schema for them.
 */
describe('card-inventory service against real Kafka and Postgres', () => {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  const staff = testCredential('alice', ['inventory:import', 'inventory:read', 'inventory:void', 'inventory:reveal']);
  const reader = testCredential('rita', ['inventory:read']);
  const knownSecrets = new Set<string>();
  let port = 0;
  let base = '';
  let deliveryKey: KeyObject;
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let db: Client;

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    schema = await createTestSchema({ role: 'cardlink_inventory', prefix: 'inventory' });
    prefix = await createTestTopics(kafka);
    const pair = generateDeliveryKeyPair();
    deliveryKey = parsePrivateKey(pair.privateKeyPem);
    Object.assign(process.env, {
      ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `card-inventory-${prefix}` }),
      ...credentialsEnv(staff, reader),
      CARD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CARD_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      CARD_DELIVERY_PUBLIC_KEY: pair.publicKey,
      // Long enough that only the import's own nudge can fulfil a backorder within the test.
      BACKORDER_INTERVAL_MS: '600000',
      STOCK_PUBLISH_INTERVAL_MS: '200',
    });
    service = await bootstrapService({ service: 'card-inventory', configSchema, module: AppModule });
    db = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await producer.disconnect();
    await service?.shutdown();
    await schema?.drop();
    if (prefix) await deleteTestTopics(kafka, prefix);
  });

  async function publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>): Promise<string> {
    const envelope = createEnvelope(definition, { source: 'test', subject, data });
    await producer.send([{ topic: `${prefix}${definition.topic}`, ...encodeEvent(envelope) }]);
    return envelope.id;
  }

  async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  async function handled(eventId: string): Promise<void> {
    const rows = await eventually(async () => (await db.query('SELECT 1 FROM inbox WHERE event_id = $1', [eventId])).rows, (r) => r.length === 1);
    expect(rows).toHaveLength(1);
  }

  /** Events of one type on a topic of this run, waiting until `enough` holds. */
  async function eventsOn<D extends EventDefinition>(definition: D, enough: (events: EventData<D>[]) => boolean, timeoutMs = 30_000): Promise<EventData<D>[]> {
    const select = (messages: ReadMessage[]) =>
      messages.map((m) => decodeEvent(m.message)).filter((e) => e.type === definition.type).map((e) => e.data as EventData<D>);
    return select(await readTopic(kafka, `${prefix}${definition.topic}`, (messages) => enough(select(messages)), timeoutMs));
  }

  function call(method: string, path: string, opts: { who?: { authorization: string }; body?: unknown; text?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (opts.who) headers['authorization'] = opts.who.authorization;
    if (opts.text !== undefined) headers['content-type'] = 'text/plain';
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${base}${path}`, { method, headers, body: opts.text ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  }

  async function importCards(productId: string, cards: CardSecret[]): Promise<{ batchId: string; accepted: number }> {
    for (const c of cards) {
      knownSecrets.add(c.code);
      if (c.password) knownSecrets.add(c.password);
    }
    const response = await call('POST', `/products/${productId}/cards/import`, { who: staff, text: cards.map((c) => (c.password ? `${c.code},${c.password}` : c.code)).join('\n') });
    expect(response.status).toBe(201);
    return (await response.json()) as { batchId: string; accepted: number };
  }

  const opened = (event: EventData<typeof CardsAllocated>) => event.lines.flatMap((l) => l.cards.map((c) => decodeCardSecret(openSealed(c.secret, deliveryKey))));

  it('an order approved before its stock waits visibly, and the import fulfils it without anyone asking', async () => {
    await handled(await publish(OrderApproved, 'o-early', { orderId: 'o-early', shopOrderId: 'S-1', lines: [{ lineId: 'L1', productId: 'p-late', quantity: 2 }], approvedAt: at }));
    const [outOfStock] = await eventsOn(OutOfStock, (e) => e.some((x) => x.orderId === 'o-early'));
    expect(outOfStock.lines).toEqual([{ lineId: 'L1', productId: 'p-late', requested: 2, available: 0 }]);
    const waiting = await call('GET', '/orders/o-early/allocation', { who: reader });
    expect(await waiting.json()).toMatchObject({ orderId: 'o-early', status: 'waiting', waitingSince: expect.any(String) });
    expect(((await (await call('GET', '/backorders', { who: reader })).json()) as { orderId: string }[]).map((b) => b.orderId)).toEqual(['o-early']);

    await importCards('p-late', [
      { code: 'LATE-CARD-0001', password: 'late-pw-1' },
      { code: 'LATE-CARD-0002', password: 'late-pw-2' },
    ]);
    const allocated = await eventsOn(CardsAllocated, (e) => e.some((x) => x.orderId === 'o-early'));
    const event = allocated.find((e) => e.orderId === 'o-early') as EventData<typeof CardsAllocated>;
    expect(opened(event).map((s) => s.code).sort()).toEqual(['LATE-CARD-0001', 'LATE-CARD-0002']);
    expect(await (await call('GET', '/orders/o-early/allocation', { who: reader })).json()).toMatchObject({ status: 'allocated', fulfilledAt: expect.any(String) });
  }, 60_000);

  it('a cancelled backorder is released: the next import leaves its cards in stock', async () => {
    await handled(await publish(OrderApproved, 'o-cancel', { orderId: 'o-cancel', shopOrderId: 'S-2', lines: [{ lineId: 'L1', productId: 'p-cancel', quantity: 1 }], approvedAt: at }));
    await handled(await publish(OrderCancelled, 'o-cancel', { orderId: 'o-cancel', reason: 'buyer cancelled', cancelledAt: at }));
    expect(await (await call('GET', '/orders/o-cancel/allocation', { who: reader })).json()).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled: buyer cancelled' });

    await importCards('p-cancel', [{ code: 'CANCEL-CARD-0001' }]);
    // The import's nudge has run once the stock event for the product is out; the card is still there.
    await eventsOn(StockChanged, (e) => e.some((x) => x.productId === 'p-cancel' && x.available === 1));
    const pools = (await (await call('GET', '/pools', { who: reader })).json()) as { productId: string; cards: { available: number } }[];
    expect(pools.find((p) => p.productId === 'p-cancel')?.cards.available).toBe(1);
    expect((await db.query(`SELECT 1 FROM card_allocations WHERE order_id = 'o-cancel'`)).rows).toEqual([]);
  }, 60_000);

  it('closes every admin route without a credential (401) or without the scope (403)', async () => {
    expect((await call('GET', '/pools')).status).toBe(401);
    expect((await call('POST', '/products/p-x/cards/import', { who: reader, text: 'X-CODE-1' })).status).toBe(403);
    expect((await call('PUT', '/products/p-x/pool', { who: reader, body: { lowStockThreshold: 1 } })).status).toBe(403);
    const someCard = (await db.query('SELECT id FROM cards LIMIT 1')).rows[0].id as string;
    expect((await call('POST', `/cards/${someCard}/void`, { who: reader, body: { reason: 'x' } })).status).toBe(403);
    expect((await call('POST', `/cards/${someCard}/reveal`, { who: reader, body: { reason: 'x' } })).status).toBe(403);
    expect((await call('POST', `/batches/${someCard}/void`, { who: reader, body: { reason: 'x' } })).status).toBe(403);
    const badBody = await call('POST', `/cards/${someCard}/void`, { who: staff, body: {} });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { message: string }).message).toBe('void: reason: a reason is required');
    expect((await call('POST', '/cards/not-a-uuid/void', { who: staff, body: { reason: 'x' } })).status).toBe(400);
    expect((await call('POST', '/cards/00000000-0000-4000-8000-000000000000/void', { who: staff, body: { reason: 'x' } })).status).toBe(404);
  });

  it('voids a delivered card and publishes its replacement for the same order line; lists masked cards; reveals with an audit row', async () => {
    await importCards('p-late', [{ code: 'LATE-CARD-0003', password: 'late-pw-3' }]);
    const sold = (await db.query(`SELECT card_id, line_id FROM card_allocations WHERE order_id = 'o-early' ORDER BY id LIMIT 1`)).rows[0] as { card_id: string; line_id: string };

    const voided = await call('POST', `/cards/${sold.card_id}/void`, { who: staff, body: { reason: 'buyer says it was already used' } });
    expect(voided.status).toBe(200);
    expect(await voided.json()).toMatchObject({ status: 'voided', replacements: [{ orderId: 'o-early', lineId: sold.line_id, status: 'allocated' }] });
    const events = await eventsOn(CardsAllocated, (e) => e.some((x) => x.replacesCardId === sold.card_id));
    const replacement = events.find((e) => e.replacesCardId === sold.card_id) as EventData<typeof CardsAllocated>;
    expect(replacement).toMatchObject({ orderId: 'o-early', lines: [{ lineId: sold.line_id, productId: 'p-late' }] });
    expect(opened(replacement)).toEqual([{ code: 'LATE-CARD-0003', password: 'late-pw-3' }]);

    const cards = (await (await call('GET', '/products/p-late/cards', { who: reader })).json()) as { cardId: string; masked: string; status: string }[];
    expect(cards.map((c) => c.masked).sort()).toEqual(['LA****01', 'LA****02', 'LA****03']);
    expect(cards.find((c) => c.cardId === sold.card_id)?.status).toBe('voided');
    expect(JSON.stringify(cards)).not.toMatch(/LATE-CARD|late-pw/);

    const revealed = await call('POST', `/cards/${sold.card_id}/reveal`, { who: staff, body: { reason: 'checking the complaint' } });
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get('cache-control')).toBe('no-store');
    expect(await revealed.json()).toMatchObject({ cardId: sold.card_id, code: expect.stringMatching(/^LATE-CARD-000[12]$/), revealedBy: 'alice' });
    const audit = (await (await call('GET', `/cards/${sold.card_id}/reveals`, { who: reader })).json()) as { revealedBy: string; reason: string }[];
    expect(audit).toEqual([{ revealedBy: 'alice', reason: 'checking the complaint', revealedAt: expect.any(String) }]);
  }, 60_000);

  it('publishes stock per product and announces low stock once per crossing; lists pools and batches; voids an unsold batch', async () => {
    const first = await importCards('p-stock', Array.from({ length: 4 }, (_, i) => ({ code: `STOCK-CARD-000${i}` })));
    await eventsOn(StockChanged, (e) => e.some((x) => x.productId === 'p-stock' && x.available === 4));
    const settings = await call('PUT', '/products/p-stock/pool', { who: staff, body: { lowStockThreshold: 3 } });
    expect(await settings.json()).toMatchObject({ productId: 'p-stock', mode: 'unique', lowStockThreshold: 3, cards: { available: 4 } });
    const refused = await call('PUT', '/products/p-stock/pool', { who: staff, body: { lowStockThreshold: -1 } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/^pool settings: lowStockThreshold: /);

    for (const i of [1, 2]) {
      await handled(await publish(OrderApproved, `o-stock-${i}`, { orderId: `o-stock-${i}`, shopOrderId: `S-${i}`, lines: [{ lineId: 'L1', productId: 'p-stock', quantity: 1 }], approvedAt: at }));
    }
    const low = await eventsOn(StockLow, (e) => e.some((x) => x.productId === 'p-stock'));
    expect(low.filter((e) => e.productId === 'p-stock')).toEqual([{ productId: 'p-stock', available: 2, threshold: 3, at: expect.any(String) }]);

    // Still below the threshold: another sale sends a new count but no second StockLow.
    await handled(await publish(OrderApproved, 'o-stock-3', { orderId: 'o-stock-3', shopOrderId: 'S-3', lines: [{ lineId: 'L1', productId: 'p-stock', quantity: 1 }], approvedAt: at }));
    const changed = await eventsOn(StockChanged, (e) => e.some((x) => x.productId === 'p-stock' && x.available === 1));
    const sequences = changed.filter((e) => e.productId === 'p-stock').map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect((await eventsOn(StockLow, () => false, 1_500)).filter((e) => e.productId === 'p-stock')).toHaveLength(1);

    const batches = (await (await call('GET', '/products/p-stock/batches', { who: reader })).json()) as { batchId: string; sold: number; available: number }[];
    expect(batches).toEqual([expect.objectContaining({ batchId: first.batchId, accepted: 4, sold: 3, available: 1, status: 'active' })]);
    const soldBatch = await call('POST', `/batches/${first.batchId}/void`, { who: staff, body: { reason: 'recall' } });
    expect(soldBatch.status).toBe(409);

    const unsold = await importCards('p-stock', [{ code: 'STOCK-CARD-0100' }, { code: 'STOCK-CARD-0101' }]);
    const voided = await call('POST', `/batches/${unsold.batchId}/void`, { who: staff, body: { reason: 'supplier recall' } });
    expect(await voided.json()).toEqual({ batchId: unsold.batchId, productId: 'p-stock', voidedCards: 2 });
    const pools = (await (await call('GET', '/pools', { who: reader })).json()) as { productId: string; cards: unknown; lowStockThreshold: number }[];
    expect(pools.find((p) => p.productId === 'p-stock')).toMatchObject({ lowStockThreshold: 3, cards: { available: 1, allocated: 3, voided: 2 } });
  }, 90_000);

  it('GET /metrics counts order lines and cards per product and reads the cards available from the database', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => /^cardlink_(allocations_total|cards_allocated_total|cards_available)\{/.test(line) && /product="p-(late|cancel|stock)"/.test(line))
        .map((line) => line.replace(/,?service="card-inventory"/, '').replace('{,', '{'))
        .sort();
    };
    const expected = [
      'cardlink_allocations_total{product="p-cancel",outcome="allocated"} 0',
      'cardlink_allocations_total{product="p-cancel",outcome="out_of_stock"} 1',
      // o-early waited for its cards, then the import's backorder round gave it two.
      'cardlink_allocations_total{product="p-late",outcome="allocated"} 1',
      'cardlink_allocations_total{product="p-late",outcome="out_of_stock"} 1',
      'cardlink_allocations_total{product="p-stock",outcome="allocated"} 3',
      'cardlink_allocations_total{product="p-stock",outcome="out_of_stock"} 0',
      'cardlink_cards_allocated_total{product="p-cancel"} 0',
      // Two for o-early and one replacing the card voided later.
      'cardlink_cards_allocated_total{product="p-late"} 3',
      'cardlink_cards_allocated_total{product="p-stock"} 3',
      'cardlink_cards_available{product="p-cancel"} 1',
      'cardlink_cards_available{product="p-late"} 0',
      'cardlink_cards_available{product="p-stock"} 1',
    ];
    expect(await eventually(scrape, (lines) => JSON.stringify(lines) === JSON.stringify(expected))).toEqual(expected);
    expect(await (await fetch(`${base}/metrics`)).text()).not.toContain('cardlink_inventory_available_cards');

    // A redelivered approval (a new event for an order already allocated) counts nothing.
    await handled(await publish(OrderApproved, 'o-stock-3', { orderId: 'o-stock-3', shopOrderId: 'S-3', lines: [{ lineId: 'L1', productId: 'p-stock', quantity: 1 }], approvedAt: at }));
    expect(await scrape()).toEqual(expected);

    // The gauge is read on scrape: a direct change in the database shows at the next scrape.
    await db.query(`UPDATE cards SET expires_at = now() - interval '1 day' WHERE product_id = 'p-cancel' AND status = 'available'`);
    expect(await scrape()).toContain('cardlink_cards_available{product="p-cancel"} 0');
    await db.query(`UPDATE cards SET expires_at = NULL WHERE product_id = 'p-cancel'`);
  }, 60_000);

  it('leaves no card secret in plaintext on any Kafka topic of the run or in a dump of the inventory schema', async () => {
    expect(knownSecrets.size).toBeGreaterThan(10);
    const forms = [...knownSecrets].flatMap((s) => [s, Buffer.from(s).toString('hex'), Buffer.from(s).toString('base64')]);

    const admin = kafka.admin();
    await admin.connect();
    const scanned: string[] = [];
    try {
      for (const topic of allTopicNames().map((t) => `${prefix}${t}`)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
        if (total === 0) continue;
        const messages = await readTopic(kafka, topic, (m) => m.length >= total);
        expect(messages).toHaveLength(total);
        for (const { message } of messages) {
          const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`);
          scanned.push([message.key?.toString() ?? '', message.value?.toString() ?? '', ...headers].join('\n'));
        }
      }
    } finally {
      await admin.disconnect();
    }
    const kafkaText = scanned.join('\n');
    // The scan saw the allocations and stock streams, so it looked where secrets would travel.
    expect(kafkaText).toContain(CardsAllocated.type);
    expect(kafkaText).toContain(StockChanged.type);
    expect(scanned.length).toBeGreaterThan(10);

    const dump = execFileSync('pg_dump', ['--dbname', schema.url, '--schema', schema.schema, '--no-owner'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump).toContain('COPY');
    expect(dump).toMatch(new RegExp(`COPY ${schema.schema}\\.cards `));
    // Positive controls: the scanned text holds the cards' rows and the events about them, just not their secrets.
    expect(dump).toContain('LA****01');
    expect(dump).toContain('checking the complaint');
    expect(kafkaText).toContain('p-late');
    for (const form of forms) {
      expect({ form, inKafka: kafkaText.includes(form) }).toEqual({ form, inKafka: false });
      expect({ form, inDump: dump.includes(form) }).toEqual({ form, inDump: false });
    }
  }, 120_000);
});
