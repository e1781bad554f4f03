/**
 * Erasure of one buyer across the whole system: the six services as production
 * builds with their personal-data keys, real Kafka, PostgreSQL and SMTP, the
 * shop simulator. Buyer A places two orders and reports a card (writing their
 * email into the note), buyer B one order. After staff ask to erase A, no
 * table of any of the six schemas holds any of A's identifiers in clear or in
 * a trivially reversible form, while B's are still found (the scan can fail),
 * and the money totals are what they were.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { findContactTraces, type ContactTrace } from '@cardlink/personal-data';
import type { RunningShopSimulator } from '@cardlink/shop-simulator';
import { adminDatabaseUrl, LOCAL } from '../stack/local-env';
import { AdminApi } from './admin-api';
import { mailsAbout, pickupLinkIn, reportCard, reportFormOn } from './pickup-page';
import { eventually, PATIENT_SENDER, prepareProducts, type PreparedProduct } from './scenario';
import { startSimulatedWorld } from './simulated-world';
import { runLogDir, type World } from './world';

const PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 800);
const RUN_ID = `pe${randomBytes(3).toString('hex')}`;
const log = (line: string) => process.stdout.write(`[privacy-erasure] ${line}\n`);

interface TestBuyer {
  buyerId: string;
  email: string;
  phone: string;
  ip: string;
  deviceId: string;
}

function buyer(name: string, ip: string): TestBuyer {
  const digits = String(10_000_000 + (randomBytes(4).readUInt32BE() % 90_000_000));
  return { buyerId: `${RUN_ID}-${name}`, email: `${name}.${RUN_ID}@example.com`, phone: `+86139${digits}`, ip, deviceId: `dev-${name}-${RUN_ID}` };
}

/** Everything that identifies the buyer: their contacts, and the payer accounts the shop reported for their orders. */
function identifiersOf(b: TestBuyer, payerAccounts: string[]): string[] {
  return [b.buyerId, b.email, b.phone, b.phone.replace('+', ''), b.ip, b.deviceId, ...payerAccounts];
}

describe('privacy: erasing one buyer leaves no contact of theirs in any schema and the money unchanged', () => {
  let simulator: RunningShopSimulator;
  let world: World;
  let stop: (() => Promise<void>) | undefined;
  let db: Client;

  beforeAll(async () => {
    const started = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: PORT_OFFSET,
      logDir: runLogDir('privacy-erasure'),
      log,
      simulator: { senderSchedule: PATIENT_SENDER, seed: 20261127 },
      env: { LOG_LEVEL: 'info' },
    });
    ({ simulator, world } = started);
    stop = () => started.stop({ keepData: false });
    db = new Client({ connectionString: adminDatabaseUrl(LOCAL.testDatabase) });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await stop?.();
  }, 120_000);

  async function tracesIn(contacts: string[]): Promise<ContactTrace[]> {
    const traces: ContactTrace[] = [];
    for (const schema of Object.values(world.schemas)) {
      for (const trace of await findContactTraces(db, schema, contacts)) traces.push({ ...trace, table: `${schema}.${trace.table}` });
    }
    return traces;
  }

  async function moneyTotals(): Promise<Record<string, string>> {
    const orders = world.schemas['order-processing'];
    const [row] = (
      await db.query(
        `SELECT (SELECT count(*) FROM "${orders}".orders) AS orders,
                (SELECT sum(total_amount) FROM "${orders}".orders) AS order_amounts,
                (SELECT count(*) FROM "${orders}".payments) AS payments,
                (SELECT sum(amount) FROM "${orders}".payments) AS payment_amounts,
                (SELECT string_agg(state, ',' ORDER BY id) FROM "${orders}".orders) AS states`,
      )
    ).rows as Record<string, string>[];
    return row ?? {};
  }

  it('erases buyer A from orders, deliveries, after-sale, risk and the gateway; B stays; totals unchanged', async () => {
    const api = new AdminApi(world);
    const [product] = await prepareProducts(simulator, api, RUN_ID, [{ key: 'game', title: 'Game wallet card 10', price: 1_000, cards: 10 }]);
    if (!product) throw new Error('no product');
    const a = buyer('alice', '198.51.100.23');
    const b = buyer('bob', '198.51.100.24');
    const place = async (who: TestBuyer, p: PreparedProduct) => {
      const result = await simulator.placeOrder({ listingId: p.listingId, quantity: 1, buyer: { ...who, locale: 'en' }, paymentCallback: true });
      if (result.outcome !== 'placed') throw new Error(`the shop refused an order: ${JSON.stringify(result)}`);
      return result;
    };
    const placed = { a: [await place(a, product), await place(a, product)], b: [await place(b, product)] };
    const shopOrderIds = [...placed.a, ...placed.b].map((p) => p.order.shopOrderId);
    const completed = await eventually(
      'the three orders completed',
      () => api.get<{ items: { id: string; shopOrderId: string }[] }>('order-processing', '/orders?state=COMPLETED'),
      (page) => shopOrderIds.every((id) => page.items.some((o) => o.shopOrderId === id)),
      120_000,
    );
    log(`orders completed: ${completed.items.map((o) => o.shopOrderId).join(', ')}`);

    // A reports a card and writes their email into the note; the case opens in order-processing.
    const firstOfA = placed.a[0]?.order.shopOrderId ?? '';
    const [mail] = await eventually("A's email", () => mailsAbout(world.mail, firstOfA), (m) => m.length >= 1);
    expect(mail?.to[0]).toBe(a.email);
    const form = reportFormOn(await (await fetch(pickupLinkIn(world, mail?.text ?? ''))).text());
    expect((await reportCard(world, form, `Used already. Write to me at ${a.email} or ${a.phone}`)).status).toBe(201);
    const orderOfReport = completed.items.find((o) => o.shopOrderId === firstOfA)?.id ?? '';
    await eventually(
      'the after-sale case',
      () => api.get<{ items: unknown[] }>('order-processing', `/aftersale/cases?orderId=${orderOfReport}`),
      (c) => c.items.length === 1,
    );

    const identifiersOfA = identifiersOf(a, placed.a.flatMap((p) => p.payment.account ?? []));
    const identifiersOfB = identifiersOf(b, placed.b.flatMap((p) => p.payment.account ?? []));
    const before = await tracesIn(identifiersOfA);
    log(`before the erasure, A is found in: ${[...new Set(before.map((t) => t.table))].join(', ')}`);
    // The scan sees what it looks for: A's order events are still in order-processing's outbox.
    expect(before.length).toBeGreaterThan(0);
    const totalsBefore = await moneyTotals();

    const erasure = await api.post<{ erasureId: string; ordersErased: number; orderIds: string[] }>('order-processing', '/privacy/erasures', {
      email: ` ${a.email.toUpperCase()} `,
      reason: `data subject request ${RUN_ID}`,
    });
    expect(erasure.ordersErased).toBe(2);
    // Each service that kept contacts writes its own audit row under the same erasure id.
    for (const service of ['delivery-notifications', 'risk-control']) {
      const schema = world.schemas[service];
      await eventually(
        `${service}'s erasure audit`,
        async () => (await db.query(`SELECT count(*)::int AS n FROM "${schema}".privacy_erasures WHERE id = $1`, [erasure.erasureId])).rows[0]?.n as number,
        (n) => n === 1,
      );
    }

    const after = await tracesIn(identifiersOfA);
    expect(after).toEqual([]);
    const ofB = await tracesIn(identifiersOfB);
    log(`after the erasure: A found nowhere; B still found in ${[...new Set(ofB.map((t) => t.table))].join(', ')}`);
    expect(ofB.length).toBeGreaterThan(0);
    expect(await moneyTotals()).toEqual(totalsBefore);
    log(`money unchanged: ${JSON.stringify(totalsBefore)}`);
  }, 400_000);
});
