import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { planOrders, runLoad, type OrderTarget, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { BenchDatabaseStats } from './bench-database';
import { hopTable, type HopTiming } from './hop-timings';
import { OrderTracker } from './order-tracker';
import { maxOf, sumOf } from './prometheus-text';
import { evaluateStep, type BacklogSample, type StepResult } from './steps';
import { runWebhookLoad, type WebhookLoadResult } from './webhook-load';
import { AdminApi, localDemoSetting, PATIENT_SENDER, prepareProducts, SERVICES, startSimulatedWorld, type PreparedProduct, type SimulatedWorld, type World } from './world-access';

export interface PipelineOptions {
  steps: readonly number[];
  stepSeconds: number;
  warmupSeconds: number;
  /** After the offered load, how long the step's orders may take to finish before the step is judged. */
  drainSeconds: number;
  portOffset: number;
  logDir: string;
  /** A CPU profile of every service (cpu-profile.cjs), written here on exit. */
  cpuProfileDir?: string;
  webhookSeconds: number;
  webhookConnections: number;
  log: (line: string) => void;
}

export interface PipelineResult {
  steps: StepResult[];
  /** Steps not run because an earlier one was not sustained. */
  skipped: number[];
  /** Most connections the services held to Postgres during the steps: pgbench's client count. */
  peakConnections: number;
  /** Per-hop waits of the measured steps' events (outbox, inbox and delivery timestamps). */
  hops: HopTiming[];
  webhooks: WebhookLoadResult | null;
}

const PRODUCTS = [
  { key: 'game', title: 'Game wallet card 50', price: 5_000 },
  { key: 'vip', title: 'VIP membership, 1 month', price: 1_990 },
  { key: 'music', title: 'Music streaming, 3 months', price: 4_500 },
  { key: 'cloud', title: 'Cloud storage 1 TB, 1 year', price: 9_900 },
];

/**
 * The benchmark's risk rule set: the initial rule set's rules, with the
 * velocity and same-amount burst rules in shadow mode (evaluated, counted,
 * never deciding), so every order is assessed in full and none is held
 * for review by the synthetic traffic's shape.
 */
const BENCH_RULES = [
  { id: 'velocity.buyer.orders.1m', kind: 'velocity', mode: 'shadow', weight: 60, dimension: 'buyerId', window: '1m', maxOrders: 3 },
  { id: 'velocity.buyer.orders.1h', kind: 'velocity', mode: 'shadow', weight: 60, dimension: 'buyerId', window: '1h', maxOrders: 10 },
  { id: 'velocity.device.orders.1h', kind: 'velocity', mode: 'shadow', weight: 40, dimension: 'deviceId', window: '1h', maxOrders: 10 },
  { id: 'velocity.ip.orders.1m', kind: 'velocity', mode: 'shadow', weight: 40, dimension: 'ip', window: '1m', maxOrders: 10 },
  { id: 'burst.shop.identical-amount.1m', kind: 'identical-amount-burst', mode: 'shadow', weight: 50, scope: 'shop', window: '1m', minOrders: 5, minDistinctBuyers: 5, minTimesDailyRate: 10 },
  { id: 'burst.product.identical-amount.10m', kind: 'identical-amount-burst', mode: 'shadow', weight: 40, scope: 'product', window: '10m', minOrders: 10, minDistinctBuyers: 10, minTimesDailyRate: 10 },
  { id: 'limit.order-quantity', kind: 'limit', mode: 'live', weight: 100, measure: 'order-quantity', max: 20 },
  { id: 'limit.order-amount', kind: 'limit', mode: 'live', weight: 60, measure: 'order-amount', max: 200000 },
];

const SAMPLE_MS = 2_000;
const MAX_QUANTITY = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cardLines(productKey: string, count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) lines.push(`${productKey.toUpperCase()}-${randomBytes(8).toString('hex').toUpperCase()},${randomBytes(8).toString('base64url')}`);
  return `${lines.join('\n')}\n`;
}

/** The six services, the shop, the tracker and the counters of one benchmark run. */
class PipelineRun {
  readonly tracker = new OrderTracker();
  private readonly api: AdminApi;
  private readonly stock = new Map<string, number>();
  peakConnections = 0;

  constructor(
    readonly world: World,
    readonly simulator: RunningShopSimulator,
    readonly db: BenchDatabaseStats,
    readonly runId: string,
    private readonly log: (line: string) => void,
  ) {
    this.api = new AdminApi(world);
  }

  products: PreparedProduct[] = [];

  async prepare(initialCards: number): Promise<void> {
    await this.api.post('risk-control', '/rule-sets', { currency: 'CNY', thresholds: { review: 50, reject: 100 }, watchWeight: 30, reason: `benchmark ${this.runId}`, rules: BENCH_RULES });
    this.products = await prepareProducts(
      this.simulator,
      this.api,
      this.runId,
      PRODUCTS.map((p) => ({ ...p, cards: initialCards })),
    );
    for (const product of this.products) this.stock.set(product.listingId, initialCards);
  }

  /** Imports cards so every product can cover `orders` orders of up to MAX_QUANTITY, and waits until the shop shows them. */
  async stockFor(orders: number): Promise<void> {
    const perProduct = Math.ceil(((orders / this.products.length) * (MAX_QUANTITY + 1)) / 2 * 1.3) + 20;
    for (const product of this.products) {
      const have = this.stock.get(product.listingId) ?? 0;
      if (have >= perProduct) continue;
      const add = perProduct - have;
      const report = await this.api.upload<{ accepted: number }>('card-inventory', `/products/${encodeURIComponent(product.productId)}/cards/import`, cardLines(product.key, add));
      this.stock.set(product.listingId, have + report.accepted);
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && this.products.some((p) => this.simulator.listing(p.listingId).stock < (this.stock.get(p.listingId) ?? 0))) await sleep(250);
  }

  private target(step: number): OrderTarget {
    return {
      placeOrder: async (input) => {
        const id = input.shopOrderId;
        if (!id) throw new Error('planned orders carry their shop order id');
        this.tracker.paid(id, step, input.quantity ?? 1, Date.now());
        const result = await this.simulator.placeOrder(input);
        if (result.outcome !== 'placed') this.tracker.refused(id);
        return result;
      },
    };
  }

  private ingest(): void {
    const seqs = this.tracker.lastSeqs;
    this.tracker.ingest(this.simulator.records('fulfilment', seqs.fulfilment), this.simulator.records('refund', seqs.refund));
  }

  private async sample(startedAt: number): Promise<BacklogSample> {
    this.ingest();
    const expositions = await Promise.all(
      SERVICES.map((s) =>
        fetch(`${this.world.url(s.name)}/metrics`, { signal: AbortSignal.timeout(1_500) }).then(
          (r) => r.text(),
          () => '',
        ),
      ),
    );
    this.peakConnections = Math.max(this.peakConnections, await this.db.connections());
    return {
      atMs: Date.now() - startedAt,
      inFlight: this.tracker.inFlight(),
      consumerLag: expositions.reduce((sum, text) => sum + sumOf(text, 'cardlink_consumer_lag_messages'), 0),
      outboxAgeSeconds: Math.max(0, ...expositions.map((text) => maxOf(text, 'cardlink_outbox_oldest_unsent_age_seconds'))),
    };
  }

  /** Waits until nothing is in flight (of `step`, or of any step) or the time is up. */
  async drain(seconds: number, step?: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      this.ingest();
      if (this.tracker.inFlight(step) === 0 || Date.now() > deadline) return;
      await sleep(250);
    }
  }

  /** Offers `rate` orders/s for `seconds`, lets them finish, and judges the step. */
  async step(index: number, rate: number, seconds: number, drainSeconds: number): Promise<StepResult> {
    const orders = Math.round(rate * seconds);
    await this.stockFor(orders);
    const plan = planOrders(
      this.products.map((p) => p.listingId),
      { orders, ratePerSecond: rate, fraudShare: 0, seed: 1_000 + index, maxQuantity: MAX_QUANTITY, runId: `${this.runId}-s${index}` },
    );
    for (const order of plan) this.stock.set(order.listingId, (this.stock.get(order.listingId) ?? 0) - order.quantity);
    const webhookSeq = this.simulator.records('webhook').at(-1)?.seq ?? 0;
    const committedBefore = await this.db.committed();
    const startedAt = Date.now();
    const load = runLoad(this.target(index), plan);
    const samples: BacklogSample[] = [];
    while (Date.now() - startedAt < seconds * 1000) {
      await sleep(Math.min(SAMPLE_MS, startedAt + seconds * 1000 - Date.now()));
      samples.push(await this.sample(startedAt));
    }
    this.ingest();
    const completedDuringLoad = this.tracker.completedBetween(startedAt, startedAt + seconds * 1000);
    await this.drain(drainSeconds, index);
    // The step's transactions are counted once its orders finished; the counters reach pg_stat_database within a second.
    await sleep(1_200);
    const committed = (await this.db.committed()) - committedBefore;
    const stepOrders = this.tracker.ofStep(index);
    const finished = stepOrders.filter((o) => !o.refused && (o.completedAt !== undefined || o.refundedAt !== undefined)).length;
    const statuses: Record<string, number> = {};
    for (const record of this.simulator.records('webhook', webhookSeq)) if (!record.acknowledged) statuses[String(record.status)] = (statuses[String(record.status)] ?? 0) + 1;
    void load.catch(() => undefined);
    return evaluateStep({
      rate,
      seconds,
      orders: stepOrders,
      completedDuringLoad,
      samples,
      webhookErrorStatuses: statuses,
      transactionsPerOrder: finished > 0 ? committed / finished : null,
    });
  }
}

function describe(step: StepResult): string {
  const l = step.latencyMs;
  const latency = l ? `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms` : 'no order completed';
  return (
    `${step.rate}/s offered: ${step.completedPerSecond.toFixed(1)}/s completed, ${latency}; ` +
    `unfinished ${step.unfinished}, webhook errors ${step.webhookErrors}, in flight ${step.backlog.inFlightStart}→${step.backlog.inFlightEnd}` +
    `${step.backlog.grew ? ' (backlog grew)' : ''}, ${step.transactionsPerOrder?.toFixed(1) ?? '–'} transactions/order → ${step.sustained ? 'sustained' : 'NOT sustained'}`
  );
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const { log } = opts;
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const webhookSecret = localDemoSetting('shop-gateway', 'SHOP_WEBHOOK_SECRET');
  let started: SimulatedWorld | undefined;
  const db = await BenchDatabaseStats.open();
  try {
    log(`starting the six services (production builds, isolated schemas in the benchmark database, ports +${opts.portOffset}); logs in ${opts.logDir}`);
    started = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: opts.portOffset,
      logDir: opts.logDir,
      log,
      simulator: { senderSchedule: PATIENT_SENDER, seed: 20261127 },
      env: {
        LOG_LEVEL: 'info',
        ...(opts.cpuProfileDir ? { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}`, CARDLINK_CPU_PROFILE_DIR: opts.cpuProfileDir } : {}),
      },
    });
    const { world, simulator } = started;
    const run = new PipelineRun(world, simulator, db, runId, log);
    const warmupRate = Math.min(opts.steps[0] ?? 10, 20);
    await run.prepare(Math.ceil(warmupRate * opts.warmupSeconds * 0.7) + 50);
    log(`warm-up: ${warmupRate} orders/s for ${opts.warmupSeconds} s`);
    await run.step(0, warmupRate, opts.warmupSeconds, opts.drainSeconds);
    await run.drain(opts.drainSeconds);

    const steps: StepResult[] = [];
    const skipped: number[] = [];
    const measuredFrom = new Date();
    for (const [i, rate] of opts.steps.entries()) {
      if (steps.length > 0 && !steps[steps.length - 1]?.sustained) {
        skipped.push(rate);
        continue;
      }
      log(`step ${i + 1}/${opts.steps.length}: ${rate} orders/s for ${opts.stepSeconds} s`);
      const result = await run.step(i + 1, rate, opts.stepSeconds, opts.drainSeconds);
      steps.push(result);
      log(`  ${describe(result)}`);
      // Every step starts from an empty pipeline, so a slow step does not slow the next one down.
      await run.drain(opts.drainSeconds);
    }
    if (skipped.length) log(`not run (an earlier step was not sustained): ${skipped.join(', ')} orders/s`);
    const hops = await db.hops(world.schemas, measuredFrom);
    for (const line of hopTable(hops)) log(`  ${line}`);

    let webhooks: WebhookLoadResult | null = null;
    if (opts.webhookSeconds > 0) {
      log(`gateway alone: the other five services stop; signed webhooks from ${opts.webhookConnections} connections for ${opts.webhookSeconds} s`);
      await Promise.all(
        [...world.services.children].filter(([name]) => name !== 'shop-gateway').map(
          ([, child]) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      webhooks = await runWebhookLoad({ gatewayUrl: world.url('shop-gateway'), secret: webhookSecret, connections: opts.webhookConnections, seconds: opts.webhookSeconds, runId });
      log(`  ${webhooks.acceptedPerSecond.toFixed(0)} webhooks/s accepted, p99 ${webhooks.latencyMs.p99} ms, non-2xx ${webhooks.non2xx} ${JSON.stringify(webhooks.statuses)}`);
    }
    return { steps, skipped, peakConnections: run.peakConnections, hops, webhooks };
  } finally {
    await started?.stop();
    await db.close();
  }
}
