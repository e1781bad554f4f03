/**
 * Every dashboard query, live: the six services as production builds in an
 * isolated world, a real Prometheus scraping their /metrics every second with
 * the repository's alert rules loaded, and a short run through the shop
 * simulator that takes the paths the dashboards show (orders delivered, a
 * blocked buyer rejected, a watched buyer held for review and approved by
 * staff, a sold-out product, a shop fulfilment that fails and is retried, a
 * forged webhook, a poison message dead-lettered). Then every query of every
 * dashboard panel must return a number for at least one series, and every
 * alert expression must parse and evaluate.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { TOPICS } from '@cardlink/contracts';
import { testKafka } from '@cardlink/messaging/testing';
import { FRAUD_IDENTITIES, runLoad, type PlannedOrder, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { ALERTS_FILE, alertRules, asPromQL, dashboardQueries, withGrafanaVariables } from './dashboard-queries';
import { SERVICES } from './metric-catalog';
import { finiteSeries, instantQuery, prometheusInstalled, startPrometheus, type RunningPrometheus } from './prometheus-process';
import { AdminApi } from '@cardlink/tools/flow/admin-api';
import { blockFraudIdentities, PATIENT_SENDER, prepareProducts, waitUntilSettled } from '@cardlink/tools/flow/scenario';
import { startSimulatedWorld } from '@cardlink/tools/flow/simulated-world';
import { runLogDir, type World } from '@cardlink/tools/flow/world';

const RUN_ID = `dash${randomBytes(3).toString('hex')}`;
const PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 300);
const ORDER_SPACING_MS = 1_500;

/**
 * Queries that cannot have data in a short healthy run, with the reason. They
 * are still sent to Prometheus and must parse (a rejected query fails).
 */
const NO_DATA_IN_A_HEALTHY_RUN: Readonly<Record<string, string>> = {};

jest.setTimeout(5 * 60_000);

if (!prometheusInstalled()) {
  throw new Error("Prometheus is not installed: apt-get install prometheus (Debian's package provides /usr/bin/prometheus)");
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function order(shopOrderId: string, listingId: string, buyer: PlannedOrder['buyer'], atMs = 0): PlannedOrder {
  return { shopOrderId, listingId, quantity: 1, buyer, fraud: false, burst: false, atMs };
}

function regularBuyer(n: number): PlannedOrder['buyer'] {
  return { buyerId: `${RUN_ID}-buyer-${n}`, email: `buyer${n}.${RUN_ID}@example.com`, phone: `+86139001${String(10_000 + n).slice(-5)}`, ip: `198.51.100.${n}`, deviceId: `${RUN_ID}-device-${n}`, locale: 'en' };
}

describe('every dashboard query returns data from the running services', () => {
  const log = (line: string) => process.stdout.write(`[dashboards] ${line}\n`);
  let simulator: RunningShopSimulator;
  let world: World;
  let prometheus: RunningPrometheus;
  let startedAt: number;

  beforeAll(async () => {
    startedAt = Date.now();
    ({ simulator, world } = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: PORT_OFFSET,
      logDir: runLogDir('dashboards-live'),
      log,
      simulator: { senderSchedule: PATIENT_SENDER, seed: 11 },
      env: {
        DELIVERY_RETRY_BASE_MS: '500',
        LOG_LEVEL: 'info',
      },
    }));
    // The repository's rules, one target per service labelled as the Kubernetes and compose scrape configs label them.
    prometheus = await startPrometheus(
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [ALERTS_FILE],
        scrape_configs: [
          {
            job_name: 'cardlink',
            honor_labels: true,
            static_configs: SERVICES.map((service) => ({ targets: [`127.0.0.1:${world.ports[service]}`], labels: { service } })),
          },
        ],
      }),
    );
    log(`services up and scraped by ${prometheus.url}; logs in ${world.logDir}`);

    const api = new AdminApi(world);
    await blockFraudIdentities(api, RUN_ID);
    const watched = regularBuyer(9);
    await api.post('risk-control', '/rule-sets', { currency: 'CNY', thresholds: { review: 50, reject: 100 }, watchWeight: 60, rules: [], reason: `dashboards run ${RUN_ID}` });
    await api.post('risk-control', '/lists', { kind: 'watch', field: 'email', value: watched.email, reason: `dashboards run ${RUN_ID}` });
    const [gift, scarce] = await prepareProducts(simulator, api, RUN_ID, [
      { key: 'gift', title: 'Gift card 100', price: 10_000, cards: 20 },
      { key: 'scarce', title: 'Scarce key', price: 9_900, cards: 1 },
    ]);
    if (!gift || !scarce) throw new Error('products not prepared');

    // The shop refuses fulfilments for a moment: the shop client gives up after its attempts and the dispatcher retries later.
    simulator.addFault({ method: 'POST', pathPattern: '/fulfilments$', status: 503, times: 5 });
    // A forged webhook: rejected for its signature.
    const forged = await fetch(`${world.url('shop-gateway')}/webhooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': `msg_${RUN_ID}`, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' },
      body: JSON.stringify({ type: 'order.paid', data: {} }),
    });
    log(`forged webhook answered ${forged.status}`);

    // Spread over several scrapes: a series whose first increments all fall before its first scrape shows no rate.
    const plan = [
      ...[1, 2, 3, 4].map((n) => order(`${RUN_ID}-00000${n}`, gift.listingId, regularBuyer(n), (n - 1) * ORDER_SPACING_MS)),
      order(`${RUN_ID}-000005`, gift.listingId, { ...(FRAUD_IDENTITIES[0] ?? regularBuyer(5)), locale: 'zh-CN' }, 4 * ORDER_SPACING_MS),
      order(`${RUN_ID}-000006`, gift.listingId, watched, 5 * ORDER_SPACING_MS),
    ];
    const load = await runLoad(simulator, plan);
    // The shop believes in more stock than cardlink holds (as after a recount on the shop's side): one of two buyers gets the last card.
    simulator.shop.setStock(scarce.listingId, 3);
    const sellOut = await runLoad(simulator, [order(`${RUN_ID}-000007`, scarce.listingId, regularBuyer(7)), order(`${RUN_ID}-000008`, scarce.listingId, regularBuyer(8))]);
    const placed = load.placed + sellOut.placed;
    log(`shop accepted ${placed} orders`);

    // A message no service can decode: order-processing sends it to the dead-letter topic.
    const producer = testKafka('cardlink-dashboards').producer();
    await producer.connect();
    await producer.send({ topic: `${world.topicPrefix}${TOPICS.riskAssessments}`, messages: [{ key: RUN_ID, value: 'not an event' }] });
    await producer.disconnect();

    const review = await until('the watched buyer held for review', 60_000, async () => {
      const page = await api.get<{ items: { id: string }[] }>('risk-control', '/reviews?status=open');
      return page.items[0];
    });
    await api.post('risk-control', `/reviews/${review.id}/approve`, { note: 'known buyer' });

    const states = await waitUntilSettled(api, placed, 90_000);
    log(`orders by state: ${JSON.stringify(Object.fromEntries(Object.entries(states).filter(([, n]) => n > 0)))}`);
    // Two more scrapes after the last change, and a consumer lag sample (every 15 s) taken while the run was on.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await world?.stop({ keepData: false });
    await simulator?.close();
  });

  /** The run's length as Grafana's interval: rates and increases then cover everything the run did. */
  const runInterval = () => `${Math.ceil((Date.now() - startedAt) / 1000) + 15}s`;

  it('scrapes all six services', async () => {
    const up = await instantQuery(prometheus.url, 'up{job="cardlink"} == 1');
    expect((up.data?.result as { metric: { service: string } }[]).map((s) => s.metric.service).sort()).toEqual([...SERVICES].sort());
  });

  it('took every path it meant to: each shows in the metrics', async () => {
    const total = async (expr: string) => Number((await instantQuery(prometheus.url, `sum(${expr})`)).data?.result.map((r) => (r as { value: [number, string] }).value[1])[0] ?? 0);
    const paths = {
      delivered: await total('cardlink_deliveries_total{outcome="delivered"}'),
      retriedAttempts: await total('cardlink_delivery_attempts_total{outcome="transient"}'),
      rejected: await total('cardlink_risk_decisions_total{decision="reject"}'),
      heldForReview: await total('cardlink_order_transitions_total{to="IN_REVIEW"}'),
      leftReview: await total('cardlink_order_transitions_total{from="IN_REVIEW"}'),
      outOfStock: await total('cardlink_allocations_total{outcome="out_of_stock"}'),
      forgedWebhooks: await total('cardlink_webhooks_total{outcome=~"rejected_.*"}'),
      deadLetters: await total('cardlink_dead_letters_total'),
    };
    log(`paths: ${JSON.stringify(paths)}`);
    for (const [path, count] of Object.entries(paths)) expect({ path, seen: count >= 1 }).toEqual({ path, seen: true });
  });

  it('answers every query of every dashboard panel with a number for at least one series', async () => {
    const interval = runInterval();
    const queries = dashboardQueries();
    const failures: string[] = [];
    let withData = 0;
    for (const query of queries) {
      const expr = asPromQL(withGrafanaVariables(query.expr, { rateInterval: interval, range: interval }));
      const result = await instantQuery(prometheus.url, expr);
      const where = `${query.dashboard} / ${query.panel}`;
      if (result.status !== 'success') failures.push(`${where}: rejected (${result.errorType}: ${result.error}) — ${expr}`);
      else if (finiteSeries(result) > 0) withData += 1;
      else if (!NO_DATA_IN_A_HEALTHY_RUN[query.expr]) failures.push(`${where}: no data — ${expr} → ${JSON.stringify(result.data?.result).slice(0, 300)}`);
    }
    log(`${withData} of ${queries.length} dashboard queries returned data; ${queries.length - withData} without, each listed as having none in a healthy run`);
    expect(failures).toEqual([]);
    // A listed query may still have data (a lag measurement can time out on a loaded machine).
    expect(withData).toBeGreaterThanOrEqual(queries.length - Object.keys(NO_DATA_IN_A_HEALTHY_RUN).length);
  });

  it('lists as data-less only queries the dashboards really have', () => {
    const exprs = new Set(dashboardQueries().map((q) => q.expr));
    expect(Object.keys(NO_DATA_IN_A_HEALTHY_RUN).filter((expr) => !exprs.has(expr))).toEqual([]);
  });

  it('accepts every alert expression and evaluates every rule without error', async () => {
    const rejected: string[] = [];
    for (const rule of alertRules()) {
      const result = await instantQuery(prometheus.url, rule.expr);
      if (result.status !== 'success') rejected.push(`${rule.alert}: ${result.error}`);
    }
    expect(rejected).toEqual([]);
    type RulesResponse = { data: { groups: { rules: { name: string; health: string; state?: string; lastError?: string }[] }[] } };
    const rules = (await ((await fetch(`${prometheus.url}/api/v1/rules`)).json() as Promise<RulesResponse>)).data.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual(alertRules().map((r) => r.alert).sort());
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    log(`alerts: ${rules.map((r) => `${r.name} ${r.state ?? ''}`).join(', ')}`);
    // What the run did wrong on purpose raises its alerts (those without a `for` fire at once).
    const state = (name: string) => rules.find((r) => r.name === name)?.state;
    expect({ deadLetters: state('CardlinkDeadLettersGrowing'), outOfStock: state('CardlinkOutOfStock') }).toEqual({ deadLetters: 'firing', outOfStock: 'firing' });
  });
});
