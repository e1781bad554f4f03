/**
 * npm start: the whole system on this machine. Starts the stack if needed,
 * builds and migrates the services, starts all six and reports their health.
 * `--once` stops everything after the report (used by CI and smoke checks).
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../stack/paths';
import { SERVICES } from '../stack/services';
import { assertBuilt, LOG_DIR, migrateAll, startAll, waitReady } from './services-runner';

function step(title: string): void {
  process.stdout.write(`\n▸ ${title}\n`);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  step('local stack (PostgreSQL, Kafka)');
  run('npm', ['run', '--silent', 'stack:up']);
  step('building the services (cached after the first run)');
  run('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static']);
  assertBuilt();
  step('migrating each service schema');
  await migrateAll();
  step(`starting ${SERVICES.length} services; logs in ${LOG_DIR}`);
  const services = startAll();
  let stopping = false;
  for (const [name, child] of services.children) {
    child.once('exit', (code, signal) => {
      if (!stopping) process.stdout.write(`  ! ${name} exited (${code ?? signal}); see ${LOG_DIR}/${name}.log\n`);
    });
  }
  const status = await waitReady();
  for (const spec of SERVICES) {
    const code = status.get(spec.name);
    process.stdout.write(`  ${code === 200 ? '✓' : '✗'} ${spec.name.padEnd(24)} http://127.0.0.1:${spec.port}/health/ready → ${code || 'no answer'}\n`);
  }
  const allReady = SERVICES.every((s) => status.get(s.name) === 200);
  if (once || !allReady) {
    stopping = true;
    await services.stop();
    process.exit(allReady ? 0 : 1);
  }
  process.stdout.write('\ncardlink is running. Ctrl-C stops the services (npm run stack:down stops Kafka too).\n');
  const stop = () => {
    stopping = true;
    process.stdout.write('\nstopping services…\n');
    void services.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
