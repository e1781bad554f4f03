/**
 * npm run chaos [-- --orders N --rate R --seed S --short]
 *
 * The fault harness: the six services and the shop simulator in an isolated
 * world, a few thousand orders, and while they run every service SIGKILLed
 * and restarted, the Kafka broker restarted, the run's Postgres connections
 * terminated, the shop and the SMTP server failing for a while. Then checks
 * that nothing was lost, doubled or leaked; prints `N passed, N failed`.
 */
import { runChaos, formatReport } from './chaos-run';
import { parseChaosOptions, UsageError } from './options';

async function main(): Promise<number> {
  const options = parseChaosOptions(process.argv.slice(2));
  const log = (line: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const report = await runChaos(options, { log, settleTimeoutMs: options.short ? 3 * 60_000 : 12 * 60_000 });
  process.stdout.write(`\n${formatReport(report)}\n`);
  return report.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[chaos] ${error instanceof UsageError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
