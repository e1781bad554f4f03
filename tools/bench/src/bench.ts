/**
 * npm run bench: the six services as production builds on this machine's
 * stack, driven by the shop simulator in steps of offered load, beside the
 * Postgres ceiling (pgbench) and the services' component benchmarks. Writes
 * results.json and results.md to tmp/bench/<time>/ and prints the table.
 *
 *   npm run bench -- [--steps 10,25,50,100,200,400] [--step-seconds 30] [--warmup-seconds 10]
 *                    [--drain-seconds 20] [--no-build] [--no-micro] [--no-pgbench] [--cpu-prof]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DATABASE, ensureBenchDatabase } from './bench-database';
import { MICRO_BENCHES, runMicroBench } from './micro-benches';
import { runPgbench } from './pgbench';
import { runPipeline } from './pipeline';
import { markdownReport, postgresRatio, type BenchReport } from './report';
import { adminDatabaseUrl, REPO_ROOT } from './world-access';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '10,25,50,100,200,400' },
    'step-seconds': { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '10' },
    'drain-seconds': { type: 'string', default: '20' },
    'pgbench-seconds': { type: 'string', default: '20' },
    'webhook-seconds': { type: 'string', default: '10' },
    'webhook-connections': { type: 'string', default: '16' },
    'port-offset': { type: 'string', default: process.env['CARDLINK_E2E_PORT_OFFSET'] ?? '500' },
    'no-build': { type: 'boolean', default: false },
    'no-micro': { type: 'boolean', default: false },
    'no-pgbench': { type: 'boolean', default: false },
    'no-pipeline': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a non-negative number, got ${text}`);
  return value;
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);

function build(): void {
  log('building the six services (production webpack builds; cached by Nx)');
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (result.status !== 0) throw new Error('the build failed');
}

async function main(): Promise<void> {
  const steps = (args.steps ?? '').split(',').map((s) => positive('steps', s.trim())).filter((s) => s > 0);
  const stepSeconds = positive('step-seconds', args['step-seconds']);
  const startedAt = new Date();
  const resultsDir = join(REPO_ROOT, 'tmp', 'bench', startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(resultsDir, { recursive: true });
  log(`results in ${resultsDir}`);
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 1024 / 1024), node: process.version },
    stepSeconds,
    pipeline: null,
    pgbench: null,
    postgresRatio: null,
    micro: [],
    errors: [],
  };

  if (!args['no-build']) build();
  await ensureBenchDatabase();
  // Every schema the world creates goes into the benchmark's own database (createTestSchema reads this).
  process.env['CARDLINK_TEST_DB'] = BENCH_DATABASE;

  if (!args['no-pipeline']) {
    const cpuProfileDir = args['cpu-prof'] ? join(resultsDir, 'profiles') : undefined;
    if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
    try {
      report.pipeline = await runPipeline({
        steps,
        stepSeconds,
        warmupSeconds: positive('warmup-seconds', args['warmup-seconds']),
        drainSeconds: positive('drain-seconds', args['drain-seconds']),
        portOffset: positive('port-offset', args['port-offset']),
        logDir: join(resultsDir, 'logs'),
        cpuProfileDir,
        webhookSeconds: positive('webhook-seconds', args['webhook-seconds']),
        webhookConnections: positive('webhook-connections', args['webhook-connections']),
        log,
      });
    } catch (error) {
      report.errors.push(`pipeline: ${(error as Error).message}`);
      log(`pipeline failed: ${(error as Error).message}`);
    }
  }

  if (!args['no-pgbench']) {
    const clients = Math.max(1, report.pipeline?.peakConnections ?? 20);
    log(`pgbench: the order-step script, ${clients} clients (the services' connections at their peak), ${args['pgbench-seconds']} s`);
    try {
      report.pgbench = await runPgbench({ adminUrl: adminDatabaseUrl(BENCH_DATABASE), clients, seconds: positive('pgbench-seconds', args['pgbench-seconds']), workDir: resultsDir });
      log(`  ${report.pgbench.tps.toFixed(0)} tps`);
    } catch (error) {
      report.errors.push(`pgbench: ${(error as Error).message}`);
    }
  }
  report.postgresRatio = postgresRatio(report.pipeline, report.pgbench);

  if (!args['no-micro']) {
    for (const bench of MICRO_BENCHES) {
      log(`component: ${bench.name}`);
      const result = await runMicroBench(bench, resultsDir);
      report.micro.push(result);
      log(`  ${result.error ?? JSON.stringify(result.figures)} (${result.seconds.toFixed(0)} s)`);
      if (result.error) report.errors.push(`${bench.name}: ${result.error}`);
    }
  }

  report.finishedAt = new Date().toISOString();
  const markdown = markdownReport(report);
  writeFileSync(join(resultsDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'results.md'), markdown);
  process.stdout.write(`\n${markdown}\n`);
  log(`whole run ${((Date.now() - startedAt.getTime()) / 60_000).toFixed(1)} min; results.json and results.md in ${resultsDir}`);
  if (report.errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
