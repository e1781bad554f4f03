import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import { generateDeliveryKeyPair } from '@cardlink/card-crypto';
import { CardReplacementRequested, CardsAllocated, CardVoided, createEnvelope, deadLetterTopic, OrderApproved, type EventData, type EventDefinition } from '@cardlink/contracts';
import { decodeEvent, encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka, type ReadMessage } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

const at = '2026-11-27T03:00:00.000Z';

/** card-inventory answering an after-sale case's replacement request on real Kafka and Postgres. */
describe('replacement requested by an after-sale case', () => {
  const kafka = testKafka();
  const producer = new EventProducer(kafka);
  const staff = testCredential('alice', ['inventory:import', 'inventory:read']);
  let schema: TestSchema;
  let prefix: string;
  let service: RunningService | undefined;
  let db: Client;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    schema = await createTestSchema({ role: 'cardlink_inventory', prefix: 'inventory' });
    prefix = await createTestTopics(kafka);
    Object.assign(process.env, {
      ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `card-inventory-${prefix}` }),
      ...credentialsEnv(staff),
      CARD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CARD_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      CARD_DELIVERY_PUBLIC_KEY: generateDeliveryKeyPair().publicKey,
      BACKORDER_INTERVAL_MS: '600000',
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

  async function publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>): Promise<void> {
    await producer.send([{ topic: `${prefix}${definition.topic}`, ...encodeEvent(createEnvelope(definition, { source: 'test', subject, data })) }]);
  }

  async function eventsOn<D extends EventDefinition>(definition: D, enough: (events: EventData<D>[]) => boolean, topic = definition.topic): Promise<EventData<D>[]> {
    const select = (messages: ReadMessage[]) => messages.map((m) => decodeEvent(m.message)).filter((e) => e.type === definition.type).map((e) => e.data as EventData<D>);
    return select(await readTopic(kafka, `${prefix}${topic}`, (messages) => enough(select(messages))));
  }

  async function cardStatus(cardId: string): Promise<string | undefined> {
    return ((await db.query('SELECT status FROM cards WHERE id = $1', [cardId])).rows as { status: string }[])[0]?.status;
  }

  it('voids the card, allocates a replacement to the same line, and says so in CardVoided; asked again it voids nothing more', async () => {
    const imported = await fetch(`${base}/products/p-as/cards/import`, {
      method: 'POST',
      headers: { authorization: staff.authorization, 'content-type': 'text/plain' },
      body: ['AS-CARD-0001', 'AS-CARD-0002', 'AS-CARD-0003'].join('\n'),
    });
    expect(imported.status).toBe(201);
    await publish(OrderApproved, 'o-as-1', { orderId: 'o-as-1', shopOrderId: 'S-AS-1', lines: [{ lineId: 'L1', productId: 'p-as', quantity: 1 }], approvedAt: at });
    await publish(OrderApproved, 'o-as-2', { orderId: 'o-as-2', shopOrderId: 'S-AS-2', lines: [{ lineId: 'L1', productId: 'p-as', quantity: 1 }], approvedAt: at });
    const first = await eventsOn(CardsAllocated, (events) => events.length === 2);
    const sold = first.find((e) => e.orderId === 'o-as-1')?.lines[0]?.cards[0]?.cardId ?? '';
    const otherOrdersCard = first.find((e) => e.orderId === 'o-as-2')?.lines[0]?.cards[0]?.cardId ?? '';

    const caseId = randomUUID();
    const request = { caseId, orderId: 'o-as-1', cardId: sold, reason: 'buyer: already redeemed', requestedBy: 'hana', requestedAt: at };
    await publish(CardReplacementRequested, 'o-as-1', request);
    const voided = await eventsOn(CardVoided, (events) => events.length === 1);
    const replacement = (await eventsOn(CardsAllocated, (events) => events.some((e) => e.replacesCardId === sold))).find((e) => e.replacesCardId === sold);
    const newCard = replacement?.lines[0]?.cards[0]?.cardId;
    expect(replacement).toMatchObject({ orderId: 'o-as-1', lines: [{ lineId: 'L1', productId: 'p-as' }] });
    expect(newCard).not.toBe(sold);
    expect(voided).toEqual([
      { caseId, orderId: 'o-as-1', cardId: sold, replacements: [{ orderId: 'o-as-1', lineId: 'L1', status: 'allocated', cardId: newCard }], alreadyVoided: false, voidedAt: expect.any(String) },
    ]);
    expect(await cardStatus(sold)).toBe('voided');
    const [reason] = (await db.query('SELECT reason, voided_by FROM card_replacements WHERE voided_card_id = $1', [sold])).rows as { reason: string; voided_by: string }[];
    expect(reason).toEqual({ reason: `after-sale case ${caseId}: buyer: already redeemed`, voided_by: 'hana' });

    // The same request again (another case, or a redelivery past the inbox) voids nothing and allocates nothing more.
    await publish(CardReplacementRequested, 'o-as-1', { ...request, caseId: randomUUID() });
    const both = await eventsOn(CardVoided, (events) => events.length === 2);
    expect(both[1]).toMatchObject({ alreadyVoided: true, replacements: [{ orderId: 'o-as-1', lineId: 'L1', status: 'allocated', cardId: newCard }] });
    expect((await db.query('SELECT count(*)::int AS n FROM card_allocations WHERE order_id = $1', ['o-as-1'])).rows).toEqual([{ n: 2 }]);

    // A case may only void a card its own order was sold: another order's card goes to the dead letters untouched.
    await publish(CardReplacementRequested, 'o-as-1', { ...request, caseId: randomUUID(), cardId: otherOrdersCard });
    const dead = await readTopic(kafka, deadLetterTopic(`${prefix}${CardReplacementRequested.topic}`), (messages) => messages.length === 1);
    expect(dead.map((m) => m.message.headers?.['ce_type']?.toString())).toEqual([CardReplacementRequested.type]);
    expect(await cardStatus(otherOrdersCard)).toBe('allocated');
  }, 120_000);
});
