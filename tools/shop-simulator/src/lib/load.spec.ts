import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ShopOrderPaid, validateEventData } from '@cardlink/contracts';
import { ShopClient } from '@cardlink/shop-client';
import { FRAUD_IDENTITIES, planOrders, runLoad, type LoadOptions } from './load';
import { startShopSimulator, type RunningShopSimulator } from './simulator';

const options: LoadOptions = { orders: 300, ratePerSecond: 0, fraudShare: 0.1, seed: 42, burst: 20, runId: 'T' };

describe('planOrders', () => {
  it('is decided by the seed', () => {
    const listings = ['L1', 'L2', 'L3'];
    expect(planOrders(listings, options)).toEqual(planOrders(listings, options));
    expect(planOrders(listings, { ...options, seed: 43 })).not.toEqual(planOrders(listings, options));
  });

  it('mixes products, quantities 1–3, fraud identities and one burst of same-amount orders', () => {
    const plan = planOrders(['L1', 'L2', 'L3'], options);
    const fraudEmails = new Set(FRAUD_IDENTITIES.map((f) => f.email));

    expect(new Set(plan.map((o) => o.listingId))).toEqual(new Set(['L1', 'L2', 'L3']));
    expect(new Set(plan.map((o) => o.quantity))).toEqual(new Set([1, 2, 3]));
    const fraud = plan.filter((o) => o.fraud);
    expect(fraud.length).toBeGreaterThan(15);
    expect(fraud.length).toBeLessThan(45);
    expect(fraud.every((o) => fraudEmails.has(o.buyer.email ?? ''))).toBe(true);
    expect(plan.filter((o) => !o.fraud).some((o) => fraudEmails.has(o.buyer.email ?? ''))).toBe(false);
    const burst = plan.filter((o) => o.burst);
    expect(burst).toHaveLength(20);
    expect(new Set(burst.map((o) => `${o.listingId}/${o.quantity}/${o.atMs}`)).size).toBe(1);
    expect(new Set(burst.map((o) => o.buyer.buyerId)).size).toBe(20);
    expect(new Set(plan.map((o) => o.shopOrderId)).size).toBe(300);
  });

  it('spaces orders by the rate', () => {
    const plan = planOrders(['L1'], { ...options, burst: 0, ratePerSecond: 50, orders: 5 });
    expect(plan.map((o) => o.atMs)).toEqual([0, 20, 40, 60, 80]);
  });
});

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * A stand-in for the whole of cardlink: verifies each webhook, refunds orders
 * from fraud identities, fulfils the rest through the shop client with cards
 * it makes up; an optional bug fulfils one card twice.
 */
interface FakeCardlink {
  url: string;
  failures: string[];
  close: () => Promise<void>;
}

async function fakeCardlink(shopUrl: () => string, bug: { reuseFirstCard: boolean }): Promise<FakeCardlink> {
  const verifier = new Webhook(SECRET);
  let client: ShopClient | undefined;
  let serial = 0;
  // Like cardlink's allocations: a line's cards are chosen once, so a redelivered webhook sends the same cards again.
  const allocated = new Map<string, { code: string }[]>();
  const fraudEmails = new Set(FRAUD_IDENTITIES.map((f) => f.email));
  const work: Promise<unknown>[] = [];
  const failures: string[] = [];
  const perform = (call: Promise<unknown>): void => {
    work.push(call.catch((error: unknown) => failures.push(String(error))));
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const payload = verifier.verify(body, request.headers as Record<string, string>) as { type: string; data: unknown };
      response.writeHead(200).end('{}');
      if (payload.type !== 'order.paid') return;
      client ??= new ShopClient({ baseUrl: shopUrl(), clientId: 'cardlink', clientSecret: 'cardlink-dev-secret', backoffBaseMs: 5, timeoutMs: 30_000 });
      const { order } = validateEventData(ShopOrderPaid, payload.data);
      const shop = client;
      if (fraudEmails.has(order.buyer.email ?? '')) {
        perform(shop.requestRefund(order.shopOrderId, { refundId: `R-${order.shopOrderId}`, amount: { amount: order.totalAmount, currency: order.currency }, reason: 'rejected: blocked contact' }));
        return;
      }
      for (const line of order.lines) {
        const cards =
          allocated.get(line.lineId) ??
          Array.from({ length: line.quantity }, () => {
            serial += 1;
            return { code: bug.reuseFirstCard && serial % 50 === 0 ? 'CARD-1' : `CARD-${serial}` };
          });
        allocated.set(line.lineId, cards);
        perform(shop.fulfilOrder(order.shopOrderId, { lineId: line.lineId, cards }, `delivery-${line.lineId}`));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failures,
    close: async () => {
      await Promise.allSettled(work);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a run against a stand-in for cardlink', () => {
  let sim: RunningShopSimulator | undefined;
  let cardlink: FakeCardlink | undefined;

  afterEach(async () => {
    await cardlink?.close();
    await sim?.close();
  });

  async function run(bug: { reuseFirstCard: boolean }) {
    cardlink = await fakeCardlink(() => sim?.url ?? '', bug);
    sim = await startShopSimulator({
      port: 0,
      clients: [{ clientId: 'cardlink', clientSecret: 'cardlink-dev-secret' }],
      gatewayUrl: cardlink.url,
      webhookSecret: SECRET,
      senderSchedule: { timeoutMs: 30_000 },
    });
    const listings = [100, 100, 30].map((stock, i) =>
      (sim as RunningShopSimulator).createListing({ externalId: `p${i}`, title: `P${i}`, description: '', price: { amount: 1000 * (i + 1), currency: 'CNY' }, categoryIds: [], stock, status: 'listed' }),
    );
    const plan = planOrders(
      listings.map((l) => l.listingId),
      { ...options, orders: 200 },
    );
    const result = await runLoad(sim, plan);
    const { failures } = cardlink;
    await cardlink.close();
    cardlink = undefined;
    return { plan, result, failures, summary: sim.summary() };
  }

  it('counts completed, refunded and out-of-stock orders, with no duplicates or missing cards', async () => {
    const { plan, result, failures, summary } = await run({ reuseFirstCard: false });
    expect(failures).toEqual([]);
    const placedFraud = plan.filter((o) => o.fraud && sim?.records('order').some((r) => r.shopOrderId === o.shopOrderId && r.outcome === 'placed')).length;

    expect(result.outOfStock).toBeGreaterThan(0);
    expect(summary).toMatchObject({
      ordersPlaced: result.placed,
      outOfStock: result.outOfStock,
      completed: result.placed - placedFraud,
      refunded: placedFraud,
      held: 0,
      partial: 0,
      duplicates: 0,
      overDelivered: 0,
      missing: 0,
    });
    expect(summary.paidToDeliveredMs?.count).toBe(summary.completed);
    expect(sim?.listings().find((l) => l.externalId === 'p2')?.stock).toBe(0);
  });

  it('catches a card delivered twice', async () => {
    const { summary } = await run({ reuseFirstCard: true });
    expect(summary.duplicates).toBeGreaterThan(0);
  });
});
