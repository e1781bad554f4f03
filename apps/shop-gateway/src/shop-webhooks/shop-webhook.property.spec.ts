import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { startGateway, type GatewayUnderTest } from '../testing/gateway-under-test';
import { EVENT_SAMPLES_FOR_TESTS } from './samples.fixture';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const FORGER = `whsec_${randomBytes(32).toString('base64')}`;
const INJECTIONS = ["'; DROP TABLE receipt; --", '<script>alert(1)</script>', '" OR "1"="1', 'Robert\'); DELETE FROM outbox;--'];

interface Delivery {
  id: string;
  body: string;
}

/** A genuine shop webhook about one order: created, paid, cancelled or refunded. */
function genuine(shopOrderId: string, type: 'order.created' | 'order.paid' | 'order.cancelled' | 'order.refunded'): Delivery {
  const { paid, cancelled, refunded } = EVENT_SAMPLES_FOR_TESTS;
  const order = { ...paid.order, shopOrderId };
  const data = {
    'order.created': { order },
    'order.paid': { ...paid, order },
    'order.cancelled': { ...cancelled, shopOrderId },
    'order.refunded': { ...refunded, shopOrderId },
  }[type];
  return { id: `msg_${type}_${shopOrderId}`, body: JSON.stringify({ type, timestamp: new Date().toISOString(), data }) };
}

function headers(delivery: Delivery, opts: { secret?: string; at?: Date } = {}): Record<string, string> {
  const at = opts.at ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(opts.secret ?? SECRET).sign(delivery.id, at, delivery.body),
  };
}

describe('POST /webhooks/shop under generated traffic (real Postgres and Kafka)', () => {
  let gateway: GatewayUnderTest;
  let dataSource: DataSource;

  beforeAll(async () => {
    gateway = await startGateway({ shop: SECRET });
    dataSource = gateway.dataSource;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const post = (body: string | Buffer, given: Record<string, string>) => fetch(`${gateway.base}/webhooks/shop`, { method: 'POST', headers: given, body });

  async function stored(): Promise<{ receipts: number; outbox: number }> {
    const [row] = (await dataSource.query('SELECT (SELECT count(*) FROM receipt) AS receipts, (SELECT count(*) FROM outbox) AS outbox')) as { receipts: string; outbox: string }[];
    return { receipts: Number(row?.receipts), outbox: Number(row?.outbox) };
  }

  it('stores each genuine webhook exactly once however often, late or out of order it comes', async () => {
    const type = fc.constantFrom('order.created' as const, 'order.paid' as const, 'order.cancelled' as const, 'order.refunded' as const);
    // Each order's webhooks, each sent 1-3 times, all shuffled together, some copies re-signed later as a retrying sender does.
    const traffic = fc
      .array(fc.tuple(fc.oneof(fc.uuid(), fc.constantFrom(...INJECTIONS)), fc.uniqueArray(type, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3 })
      .chain((orders) => {
        const run = randomUUID().slice(0, 8);
        const sends = orders.flatMap(([order, types, copies]) => types.flatMap((t) => Array.from({ length: copies }, () => genuine(`${run}-${order}`, t))));
        return fc.tuple(fc.shuffledSubarray(sends, { minLength: sends.length, maxLength: sends.length }), fc.array(fc.boolean(), { minLength: sends.length, maxLength: sends.length }));
      });
    await fc.assert(
      fc.asyncProperty(traffic, async ([sends, concurrently]) => {
        const before = await stored();
        const distinct = new Set(sends.map((s) => s.id));
        const statuses: number[] = [];
        for (let i = 0; i < sends.length; i += 1) {
          const delivery = sends[i] as Delivery;
          const copies = concurrently[i] ? 2 : 1;
          statuses.push(...(await Promise.all(Array.from({ length: copies }, () => post(delivery.body, headers(delivery)).then((r) => r.status)))));
        }
        expect(statuses.every((s) => s === 200)).toBe(true);
        const after = await stored();
        expect(after.receipts - before.receipts).toBe(distinct.size);
        expect(after.outbox - before.outbox).toBe(distinct.size);
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  it('stores nothing for a replayed, forged, tampered, stale, mistyped, huge, deeply nested or malformed webhook, and never answers 5xx', async () => {
    const shopOrderId = `replay-${randomUUID()}`;
    const original = genuine(shopOrderId, 'order.paid');
    const accepted = await post(original.body, headers(original));
    expect(accepted.status).toBe(200);
    const capturedHeaders = headers(original);

    const junkJson = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
      fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      fc.constantFrom('', '{', 'null', '{"type":"order.paid"}', `{"type":"order.paid","data":${JSON.stringify({ ...EVENT_SAMPLES_FOR_TESTS.paid, order: { ...EVENT_SAMPLES_FOR_TESTS.paid.order, totalAmount: -1 } })}}`),
      fc.constantFrom(...INJECTIONS).map((s) => JSON.stringify({ type: s, data: { shopOrderId: s } })),
      fc.constant(JSON.stringify({ type: 'order.created', data: { order: EVENT_SAMPLES_FOR_TESTS.order }, pad: 'x'.repeat(300 * 1024) })),
    );
    const attack = fc.oneof(
      // The captured delivery again, as an attacker replays it: same headers (duplicate) or new timestamp without the secret.
      fc.constant({ body: original.body, given: capturedHeaders, kind: 'replay' as const }),
      fc.integer({ min: 301, max: 100_000 }).map((age) => ({ body: original.body, given: headers(original, { at: new Date(Date.now() - age * 1000) }), kind: 'stale' as const })),
      junkJson.map((body) => ({ body, given: headers({ id: `msg_${randomUUID()}`, body }, { secret: FORGER }), kind: 'forged' as const })),
      junkJson.map((body) => ({ body, given: headers({ id: `msg_${randomUUID()}`, body }), kind: 'junk' as const })),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
        const bytes = Buffer.from(original.body);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ flip;
        return { body: bytes, given: { ...headers(original), 'webhook-id': `msg_${randomUUID()}` }, kind: 'tampered' as const };
      }),
      fc
        .constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', '')
        .map((contentType) => ({ body: original.body, given: { ...headers({ id: `msg_${randomUUID()}`, body: original.body }), 'content-type': contentType }, kind: 'content-type' as const })),
    );
    await fc.assert(
      fc.asyncProperty(attack, async ({ body, given, kind }) => {
        const before = await stored();
        const response = await post(body, given);
        expect(response.status).toBeLessThan(500);
        if (kind === 'replay') expect(await response.json()).toMatchObject({ status: 'duplicate' });
        else expect(response.status).toBeGreaterThanOrEqual(400);
        expect(await stored()).toEqual(before);
      }),
      { numRuns: 250 },
    );
  }, 300_000);
});
