import { randomBytes } from 'node:crypto';
import { FRAUD_IDENTITIES, formatSummary, runLoad, type LoadResult, type RunningShopSimulator } from '@cardlink/shop-simulator';
import {
  AdminApi,
  adminDatabaseUrl,
  blockFraudIdentities,
  countOrdersByState,
  ensureKafka,
  LOCAL,
  PATIENT_SENDER,
  planFlow,
  prepareProducts,
  publishFlowRuleSet,
  runLogDir,
  SERVICES,
  SETTLED_STATES,
  startSimulatedWorld,
  stopKafka,
  type FlowPlan,
  type FlowProduct,
  type PreparedProduct,
  type SimulatedWorld,
  type StateCounts,
  type World,
} from './world-access';
import {
  checkAcknowledgedOrdersSettled,
  checkCompletedLinesHaveTheirQuantity,
  checkDeadLetters,
  checkEveryPaidOrderAcknowledged,
  checkNoCardTwice,
  checkNoPlaintextSecrets,
  checkShopStockMatchesCards,
  type CheckContext,
  type CheckResult,
} from './checks';
import { describeFault, planFaults, type PlannedFault } from './fault-plan';
import type { ChaosOptions } from './options';
import { sleep, Supervisor, terminateConnections } from './supervisor';

/** The fault harness's own port offset (CARDLINK_E2E_PORT_OFFSET overrides it). */
export const CHAOS_PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 400);

export interface FaultOutcome {
  fault: PlannedFault;
  /** Milliseconds after the load began that it actually struck. */
  struckAtMs: number;
  outcome: string;
  ok: boolean;
}

export interface ChaosReport {
  options: ChaosOptions;
  load: LoadResult;
  states: StateCounts;
  faults: FaultOutcome[];
  checks: CheckResult[];
  passed: number;
  failed: number;
  logDir: string;
}

/**
 * Like the whole flow's patient sender, but backing off to 30 s: while a
 * service is down for minutes the simulated shop then holds a quarter of its
 * pending webhooks in flight instead of half (each attempt holds a socket of
 * this process for up to its timeout).
 */
const CHAOS_SENDER = { ...PATIENT_SENDER, maxAttempts: 60, maxDelayMs: 30_000 };

/** The plaintext scans look for the secrets of at most this many cards (see secretsToLookFor). */
const SECRET_SCAN_CARDS = 2_000;

/** Products sized so the common ones last and one sells out, as in a real shop. */
function productsFor(orders: number): FlowProduct[] {
  // A third of the orders each, two cards per order on average: these last.
  const common = Math.ceil(orders * 0.9);
  return [
    { key: 'game', title: 'Game wallet card 50', price: 5_000, cards: common },
    { key: 'vip', title: 'VIP membership, 1 month', price: 1_990, cards: common },
    // Sells out near the end of the load (a third of the orders ask for two on average).
    { key: 'beta', title: 'Limited beta key', price: 9_900, cards: Math.max(20, Math.ceil(orders * 0.6)) },
  ];
}

/** Polls order-processing until no acknowledged order is in flight and the counts stop moving. */
async function waitUntilSettled(api: AdminApi, simulator: RunningShopSimulator, timeoutMs: number, log: (line: string) => void): Promise<StateCounts> {
  const settled = new Set<string>(SETTLED_STATES);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let counts: StateCounts = {};
  for (;;) {
    const acknowledged = new Set(simulator.records('webhook').filter((w) => w.type === 'order.paid' && w.acknowledged).map((w) => w.subject)).size;
    try {
      counts = await countOrdersByState(api, [...SETTLED_STATES, 'AWAITING_PAYMENT', 'PAID', 'APPROVED', 'ALLOCATED', 'DELIVERED', 'REFUND_REQUESTED']);
    } catch (error) {
      log(`  order-processing did not answer: ${(error as Error).message.slice(0, 120)}`);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const inFlight = Object.entries(counts).reduce((sum, [state, n]) => sum + (settled.has(state) ? 0 : n), 0);
    const line = `${Object.entries(counts)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k.toLowerCase()} ${v}`)
      .join(', ')} (acknowledged ${acknowledged})`;
    if (line !== last) log(`  ${line}`);
    last = line;
    if (total >= acknowledged && acknowledged > 0 && inFlight === 0) return counts;
    if (Date.now() > deadline) {
      log(`  gave up waiting after ${timeoutMs / 1000} s`);
      return counts;
    }
    await sleep(2_000);
  }
}

class FaultInjector {
  readonly outcomes: FaultOutcome[] = [];
  private readonly supervisor: Supervisor;
  private started = 0;

  constructor(
    private readonly world: World,
    private readonly simulator: RunningShopSimulator,
    private readonly seed: number,
    private readonly log: (line: string) => void,
  ) {
    this.supervisor = new Supervisor(world, log);
  }

  /** Strikes each fault at its moment; resolves when every one of them has run its course. */
  async run(faults: readonly PlannedFault[]): Promise<void> {
    this.started = Date.now();
    await Promise.all(
      faults.map(async (fault, i) => {
        await sleep(Math.max(0, this.started + fault.atMs - Date.now()));
        const struckAtMs = Date.now() - this.started;
        this.log(`fault at ${(struckAtMs / 1000).toFixed(1)} s: ${describeFault(fault)}`);
        try {
          const outcome = await this.strike(fault, i);
          this.outcomes.push({ fault, struckAtMs, outcome, ok: true });
        } catch (error) {
          this.log(`fault "${describeFault(fault)}" could not be carried out: ${(error as Error).message}`);
          this.outcomes.push({ fault, struckAtMs, outcome: (error as Error).message, ok: false });
        }
      }),
    );
  }

  private async strike(fault: PlannedFault, i: number): Promise<string> {
    switch (fault.kind) {
      case 'kill': {
        // A supervisor restarts a crashed pod after a short back-off.
        const backOffMs = 500 + ((this.seed + i * 7919) % 2_500);
        const { readyAfterMs } = await this.supervisor.killAndRestart(fault.service, backOffMs);
        if (readyAfterMs === undefined) throw new Error(`${fault.service} did not become ready after its restart`);
        return `killed, restarted after ${backOffMs} ms, ready ${(readyAfterMs / 1000).toFixed(1)} s later`;
      }
      case 'broker-restart': {
        const began = Date.now();
        await stopKafka();
        // On a loaded machine the broker may need more than one of ensureKafka's 90-second waits; it is never left down.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await ensureKafka();
            break;
          } catch (error) {
            if (attempt >= 4) throw error;
            this.log(`the broker is not up yet (${(error as Error).message}); waiting again`);
          }
        }
        return `broker down and up again in ${((Date.now() - began) / 1000).toFixed(1)} s`;
      }
      case 'database-connections': {
        const roles = SERVICES.map((s) => s.role);
        const terminated = await terminateConnections(adminDatabaseUrl(LOCAL.testDatabase), LOCAL.pgPort, this.supervisor.pids(), roles);
        if (terminated === 0) throw new Error('found no connection of the run to terminate');
        return `${terminated} connections terminated`;
      }
      case 'shop-outage': {
        const before = this.simulator.records('fault').length;
        const outage = (forMs: number) =>
          this.simulator.addFault({ method: '*', pathPattern: '^/(api|sms)/', status: fault.status, forMs, ...(fault.status === 429 ? { retryAfterSeconds: 2 } : {}) });
        outage(fault.forMs);
        await sleep(fault.forMs);
        // An outage nobody called into tested nothing: it lasts until it has refused a call (services may have been restarting).
        const began = Date.now();
        while (this.simulator.records('fault').length === before && Date.now() - began < 120_000) {
          outage(2_000);
          await sleep(2_000);
        }
        const refused = this.simulator.records('fault').length - before;
        if (refused === 0) throw new Error('no call reached the shop during the outage');
        return `${refused} calls to the shop answered ${fault.status} (${((fault.forMs + Date.now() - began) / 1000).toFixed(0)} s)`;
      }
      case 'smtp-outage': {
        await this.world.mail.stop();
        await sleep(fault.forMs);
        await this.world.mail.start(this.world.smtpPort);
        return `SMTP server back on port ${this.world.smtpPort}`;
      }
    }
  }
}

export interface RunChaosOptions {
  log: (line: string) => void;
  settleTimeoutMs?: number;
}

/**
 * One fault-harness run: the six services in an isolated world and the shop
 * simulator, products with cards, the load, the faults while it runs, the
 * wait for every order to settle, and the checks.
 */
export async function runChaos(options: ChaosOptions, run: RunChaosOptions): Promise<ChaosReport> {
  const { log } = run;
  const runId = `chaos${randomBytes(3).toString('hex')}`;
  let started: SimulatedWorld | undefined;
  try {
    started = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: CHAOS_PORT_OFFSET,
      logDir: runLogDir('chaos'),
      log,
      simulator: { paymentCallbackShare: 0.2, redeliveryShare: 0.02, senderSchedule: CHAOS_SENDER, seed: options.seed },
      env: { LOG_LEVEL: 'info' },
    });
    const { world, simulator } = started;
    log(`services up on ports ${Object.values(world.ports).join(', ')}; logs in ${world.logDir}`);
    const api = new AdminApi(world);
    await blockFraudIdentities(api, runId);
    await publishFlowRuleSet(api, runId);
    const plan: FlowPlan = { runId, seed: options.seed, products: productsFor(options.orders), orders: options.orders, ratePerSecond: options.rate, fraudShare: 0.05, burst: 0, regularBuyers: 9 - FRAUD_IDENTITIES.length };
    log(`creating ${plan.products.length} products with ${plan.products.reduce((s, p) => s + p.cards, 0)} cards`);
    const products: PreparedProduct[] = await prepareProducts(simulator, api, runId, plan.products);
    const { main } = planFlow(plan, products);

    const loadMs = (options.orders / options.rate) * 1000;
    const faults = planFaults({ loadMs, services: SERVICES.map((s) => s.name), killsPerService: options.killsPerService, restartBroker: options.restartBroker, seed: options.seed });
    log(`placing ${options.orders} orders at ${options.rate}/s (${(loadMs / 1000).toFixed(0)} s) with ${faults.length} faults: ${faults.map((f) => `${(f.atMs / 1000).toFixed(0)} s ${describeFault(f)}`).join('; ')}`);
    const injector = new FaultInjector(world, simulator, options.seed, log);
    const [load] = await Promise.all([
      runLoad(simulator, main, (done, total) => {
        if (done % 500 === 0 || done === total) log(`  placed ${done}/${total}`);
      }),
      injector.run(faults),
    ]);
    log(`load done in ${(load.durationMs / 1000).toFixed(0)} s: shop accepted ${load.placed}, refused ${load.outOfStock} (sold out), webhooks acknowledged ${load.acknowledged}, not acknowledged ${load.notAcknowledged}`);
    simulator.clearFaults();
    await simulator.settled();
    const states = await waitUntilSettled(api, simulator, run.settleTimeoutMs ?? 10 * 60_000, log);
    log(`the shop's view of the run:\n${formatSummary(simulator.summary())}`);

    const ctx: CheckContext = { world, simulator, products, adminUrl: adminDatabaseUrl(LOCAL.testDatabase), log };
    const checks: CheckResult[] = [];
    const faultsCarriedOut = injector.outcomes.filter((o) => !o.ok);
    checks.push({
      name: 'every planned fault was carried out',
      passed: faultsCarriedOut.length === 0,
      detail: `${injector.outcomes.length - faultsCarriedOut.length} of ${injector.outcomes.length}${faultsCarriedOut.length ? `; failed: ${faultsCarriedOut.map((o) => `${describeFault(o.fault)} (${o.outcome})`).join('; ')}` : ''}`,
    });
    const checkers: [string, () => Promise<CheckResult> | CheckResult][] = [
      ['acknowledged orders settled', () => checkAcknowledgedOrdersSettled(ctx)],
      ['paid orders acknowledged', () => checkEveryPaidOrderAcknowledged(ctx)],
      ['no card twice', () => checkNoCardTwice(ctx)],
      ['completed lines', () => checkCompletedLinesHaveTheirQuantity(ctx)],
      ['plaintext secrets', () => checkNoPlaintextSecrets(ctx, SECRET_SCAN_CARDS, options.seed)],
      ['shop stock', () => checkShopStockMatchesCards(ctx, options.short ? 30_000 : 90_000)],
      ['dead letters', () => checkDeadLetters(ctx)],
    ];
    for (const [name, check] of checkers) {
      const began = Date.now();
      try {
        checks.push(await check());
      } catch (error) {
        checks.push({ name, passed: false, detail: `the check itself failed: ${(error as Error).message}` });
      }
      log(`  check "${name}": ${checks[checks.length - 1]?.passed ? 'passed' : 'FAILED'} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
    const passed = checks.filter((c) => c.passed).length;
    return { options, load, states, faults: injector.outcomes, checks, passed, failed: checks.length - passed, logDir: world.logDir };
  } finally {
    await started?.stop({ keepData: false });
  }
}

export function formatReport(report: ChaosReport): string {
  const lines = [
    `fault harness: ${report.options.orders} orders at ${report.options.rate}/s, seed ${report.options.seed}${report.options.short ? ' (short)' : ''}`,
    `faults:`,
    ...report.faults.map((f) => `  ${(f.struckAtMs / 1000).toFixed(1).padStart(6)} s  ${f.ok ? 'done  ' : 'FAILED'}  ${describeFault(f.fault)}: ${f.outcome}`),
    `orders by state: ${JSON.stringify(report.states)}`,
    `checks:`,
    ...report.checks.map((c) => `  ${c.passed ? 'PASS' : 'FAIL'}  ${c.name}\n        ${c.detail}`),
    `${report.passed} passed, ${report.failed} failed`,
  ];
  return lines.join('\n');
}
