/**
 * npm start: the whole system on this machine. Starts the stack if needed,
 * builds and migrates the services, starts all six and the shop simulator,
 * creates three demo products with cards, places a few hundred orders
 * (fraud and a sold-out product included) and prints what happened.
 * `--once` stops everything after the summary (CI and smoke checks);
 * otherwise it keeps running until Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { formatSummary } from '@cardlink/shop-simulator';
import { PATIENT_SENDER, runFlow, type FlowPlan } from '../flow/scenario';
import { startSimulatedWorld } from '../flow/simulated-world';
import { runLogDir } from '../flow/world';
import { DEMO_ADMIN_TOKEN } from '../stack/local-env';
import { REPO_ROOT } from '../stack/paths';
import { SERVICES } from '../stack/services';

const SIMULATOR_PORT = Number(process.env['CARDLINK_SIMULATOR_PORT'] ?? 4100);

function step(title: string): void {
  process.stdout.write(`\n▸ ${title}\n`);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

function demoPlan(): FlowPlan {
  const runId = `demo${randomBytes(3).toString('hex')}`;
  return {
    runId,
    seed: Date.now() % 100_000,
    products: [
      { key: 'game', title: 'Game wallet card 50', price: 5_000, cards: 400 },
      { key: 'vip', title: 'VIP membership, 1 month', price: 1_990, cards: 400 },
      { key: 'beta', title: 'Limited beta key', price: 9_900, cards: 40 },
    ],
    orders: 300,
    ratePerSecond: 30,
    fraudShare: 0.05,
    burst: 20,
    regularBuyers: 4,
  };
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  step('local stack (PostgreSQL, Kafka)');
  run('npm', ['run', '--silent', 'stack:up']);
  step('building the services (cached after the first run)');
  run('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static']);

  // Each demo gets its own schemas and topics: the simulator starts empty every time, so
  // listings remembered from an earlier demo would point at shop ids that no longer exist.
  const logDir = runLogDir('demo');
  step(`shop simulator on http://127.0.0.1:${SIMULATOR_PORT} (plays the shop, the payment provider and the buyers)`);
  step(`migrating and starting ${SERVICES.length} services; logs in ${logDir}/<service>.log`);
  const { simulator, world, stop: stopWorld } = await startSimulatedWorld({
    mode: 'isolated',
    portOffset: 0,
    logDir,
    log,
    simulator: { port: SIMULATOR_PORT, senderSchedule: PATIENT_SENDER },
  });
  for (const spec of SERVICES) log(`✓ ${spec.name.padEnd(24)} ${world.url(spec.name)}`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping services and the simulator…\n');
    await stopWorld();
    process.exit(code);
  };
  for (const [name, child] of world.services.children) {
    child.once('exit', (code, signal) => {
      if (!stopping) process.stdout.write(`  ! ${name} exited (${code ?? signal}); see ${logDir}/${name}.log\n`);
    });
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  let summary: ReturnType<typeof simulator.summary> | undefined;
  try {
    step('demo: three products, a few hundred orders with fraud, a same-amount burst and a sold-out product');
    const flow = await runFlow(world, simulator, demoPlan(), { settleTimeoutMs: 180_000, log });
    step('summary');
    summary = simulator.summary();
    process.stdout.write(`${formatSummary(summary)}\n`);
    process.stdout.write('\n  orders by state in order-processing:\n');
    for (const [state, count] of Object.entries(flow.states).filter(([, c]) => c > 0)) process.stdout.write(`    ${state.padEnd(18)} ${count}\n`);
    const pickup = world.mail.mails.map((m) => /https?:\/\/\S*pickup\S*/.exec(m.text)?.[0]).find(Boolean);
    process.stdout.write(`\n  emails sent to buyers: ${world.mail.mails.length}`);
    if (pickup) process.stdout.write(`\n  open a buyer's pickup page: ${pickup}`);
    process.stdout.write(`\n  admin API token (development only): ${DEMO_ADMIN_TOKEN}`);
    process.stdout.write(`\n  e.g. curl -H 'Authorization: Bearer ${DEMO_ADMIN_TOKEN}' '${world.url('order-processing')}/orders?state=IN_REVIEW'\n`);
  } catch (error) {
    process.stderr.write(`\ndemo failed: ${(error as Error).message}\n`);
    await stop(1);
    return;
  }
  if (once) {
    // A smoke check fails on the two things cardlink must never do: a card twice, or a paid order forgotten.
    const broken = summary !== undefined && (summary.duplicates > 0 || summary.missing > 0);
    if (broken) process.stderr.write(`\ndemo broke an invariant: ${summary?.duplicates} duplicate(s), ${summary?.missing} missing\n`);
    await stop(broken ? 1 : 0);
    return;
  }
  process.stdout.write('\ncardlink is running. Ctrl-C stops the services and the simulator (npm run stack:down stops Kafka too).\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
