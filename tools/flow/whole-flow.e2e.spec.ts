/**
 * The whole flow, end to end: the six services as production builds against
 * real Kafka, PostgreSQL and SMTP, with the shop simulator playing the shop,
 * the payment provider and the buyers over real HTTP. Proves the invariants
 * of the brief on 1,000 orders.
 */
import { randomBytes } from 'node:crypto';
import { formatSummary, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { adminDatabaseUrl, LOCAL } from '../stack/local-env';
import { BURST_MIN_ORDERS, PATIENT_SENDER, type FlowPlan, type FlowRun, runFlow } from './scenario';
import { scanLogs, scanTables, scanTopics } from './secret-scan';
import { startSimulatedWorld } from './simulated-world';
import { runLogDir, type World } from './world';

const RUN_ID = `e2e${randomBytes(3).toString('hex')}`;
const PLAN: FlowPlan = {
  runId: RUN_ID,
  seed: 20261127,
  products: [
    { key: 'game', title: 'Game wallet card 50', price: 5_000, cards: 900 },
    { key: 'vip', title: 'VIP membership, 1 month', price: 1_990, cards: 1_000 },
    // Runs out: demand is several times the stock.
    { key: 'beta', title: 'Limited beta key', price: 9_900, cards: 150 },
  ],
  orders: 1_000,
  ratePerSecond: 50,
  fraudShare: 0.05,
  burst: 20,
  regularBuyers: 4,
};
const SETTLE_TIMEOUT_MS = 5 * 60_000;
// Services listen on their usual ports plus this offset (3100–3105 by default).
const PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 100);

jest.setTimeout(15 * 60_000);

describe('the whole flow: 1,000 orders through the six services and the shop simulator', () => {
  let simulator: RunningShopSimulator;
  let world: World;
  let run: FlowRun;
  const log = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

  beforeAll(async () => {
    ({ simulator, world } = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: PORT_OFFSET,
      logDir: runLogDir('e2e'),
      log,
      simulator: { senderSchedule: PATIENT_SENDER, seed: PLAN.seed },
      env: {
        LOG_LEVEL: 'info',
      },
    }));
    log(`services up; logs in ${world.logDir}`);
    run = await runFlow(world, simulator, PLAN, {
      settleTimeoutMs: SETTLE_TIMEOUT_MS,
      log,
    });
  });

  afterAll(async () => {
    await world?.stop({ keepData: false });
    await simulator?.close();
  });

  const placed = () => simulator.records('order').filter((r) => r.outcome === 'placed');
  const placedIds = () => new Set(placed().map((r) => r.shopOrderId));

  it('ends with the exact expected count of orders in each state, none left in flight', () => {
    const ids = placedIds();
    const fraudPlaced = run.plan.filter((o) => o.fraud && ids.has(o.shopOrderId)).length;
    const burstPlaced = run.plan.filter((o) => o.burst && ids.has(o.shopOrderId)).length;
    expect(burstPlaced).toBe(PLAN.burst);
    const inReview = burstPlaced - (BURST_MIN_ORDERS - 1);
    const expected = {
      COMPLETED: ids.size - fraudPlaced - inReview,
      REFUNDED: fraudPlaced,
      IN_REVIEW: inReview,
      OUT_OF_STOCK: 0,
      DELIVERY_FAILED: 0,
      REJECTED: 0,
      REFUND_REQUESTED: 0,
      PAID: 0,
      APPROVED: 0,
      ALLOCATED: 0,
      DELIVERED: 0,
    };
    log(`placed ${ids.size} (fraud ${fraudPlaced}, burst ${burstPlaced}), refused by the shop ${run.load.outOfStock}; states ${JSON.stringify(run.states)}`);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, run.states[k] ?? 0]))).toEqual(expected);
    expect(run.load.outOfStock).toBeGreaterThan(0);
  });

  it('gives every completed line exactly its quantity of distinct imported cards, and no card twice in the whole run', () => {
    const summary = simulator.summary();
    log(`the shop's view of the run:\n${formatSummary(summary)}`);
    expect({ duplicates: summary.duplicates, overDelivered: summary.overDelivered, missing: summary.missing, partial: summary.partial }).toEqual({
      duplicates: 0,
      overDelivered: 0,
      missing: 0,
      partial: 0,
    });
    const quantityOf = new Map(run.plan.map((o) => [o.shopOrderId, o.quantity]));
    const productOf = new Map(run.plan.map((o) => [o.shopOrderId, run.products.find((p) => p.listingId === o.listingId)]));
    const cardsPerOrder = new Map<string, number>();
    const seen = new Set<string>();
    for (const fulfilment of simulator.records('fulfilment')) {
      const product = productOf.get(fulfilment.shopOrderId);
      for (const card of fulfilment.cards) {
        expect(product?.codes.has(card.code)).toBe(true);
        expect(seen.has(card.code)).toBe(false);
        seen.add(card.code);
      }
      cardsPerOrder.set(fulfilment.shopOrderId, (cardsPerOrder.get(fulfilment.shopOrderId) ?? 0) + fulfilment.cards.length);
    }
    expect(cardsPerOrder.size).toBe(run.states['COMPLETED']);
    for (const [order, count] of cardsPerOrder) expect(count).toBe(quantityOf.get(order));
    expect(summary.completed).toBe(run.states['COMPLETED']);
  });

  it('emails each completed buyer their cards', () => {
    const completedEmails = new Set(
      simulator
        .records('fulfilment')
        .map((f) => run.plan.find((o) => o.shopOrderId === f.shopOrderId)?.buyer.email)
        .filter((e): e is string => !!e),
    );
    const recipients = new Set(world.mail.mails.flatMap((m) => m.to));
    for (const email of completedEmails) expect(recipients.has(email)).toBe(true);
    const codes = new Set(simulator.records('fulfilment').flatMap((f) => f.cards.map((c) => c.code)));
    const mailed = world.mail.mails.flatMap((m) => [...m.text.matchAll(/[A-Z]+-[0-9A-F]{12}/g)].map((x) => x[0]));
    expect(new Set(mailed)).toEqual(codes);
  });

  it('leaves no card secret in plaintext in any table, Kafka topic or service log', async () => {
    const secrets = run.products.flatMap((p) => p.secrets);
    const tables = await scanTables(adminDatabaseUrl(LOCAL.testDatabase), Object.values(world.schemas), secrets);
    const topics = await scanTopics(world.topicPrefix, secrets);
    const logs = scanLogs(world.logDir, secrets);
    log(`scanned ${Object.keys(world.schemas).length} schemas, ${topics.messages} Kafka messages and ${world.logDir} for ${secrets.length} secrets`);
    expect(topics.messages).toBeGreaterThan(run.load.placed);
    expect([...tables, ...topics.findings, ...logs]).toEqual([]);
  });
});
