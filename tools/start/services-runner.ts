import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localServiceEnv } from '../stack/local-env';
import { REPO_ROOT, STACK_DIR } from '../stack/paths';
import { SERVICES, type ServiceSpec } from '../stack/services';

export const LOG_DIR = join(STACK_DIR, 'logs');

export function serviceEntry(name: string): string {
  return join(REPO_ROOT, 'dist', 'apps', name, 'main.js');
}

export function assertBuilt(): void {
  const missing = SERVICES.filter((s) => !existsSync(serviceEntry(s.name))).map(
    (s) => s.name,
  );
  if (missing.length)
    throw new Error(
      `not built: ${missing.join(', ')} (run npx nx run-many -t build)`,
    );
}

/** Per-service settings on top of the local stack's (another schema, topic prefix, simulator URLs). */
export type ServiceEnvOverrides = (spec: ServiceSpec) => Record<string, string>;

const noOverrides: ServiceEnvOverrides = () => ({});

function serviceEnv(
  spec: ServiceSpec,
  overrides: ServiceEnvOverrides,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...localServiceEnv(spec.name),
    ...overrides(spec),
    ...extra,
  };
}

/** Runs `main.js migrate` of every service, failing if any fails. */
export async function migrateAll(
  overrides: ServiceEnvOverrides = noOverrides,
): Promise<void> {
  // Each service migrates its own schema, so they can run side by side.
  await Promise.all(
    SERVICES.map(
      (spec) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [serviceEntry(spec.name), 'migrate'],
            {
              env: serviceEnv(spec, overrides, { LOG_LEVEL: 'warn' }),
              stdio: ['ignore', 'inherit', 'inherit'],
            },
          );
          child.once('exit', (code) =>
            code === 0
              ? resolve()
              : reject(
                  new Error(`${spec.name}: migrations failed (exit ${code})`),
                ),
          );
        }),
    ),
  );
}

export interface RunningServices {
  children: Map<string, ChildProcess>;
  stop(): Promise<void>;
}

/** Starts every service as a child process, its log in <logDir>/<service>.log (default .stack/logs). */
export function startAll(
  opts: { overrides?: ServiceEnvOverrides; logDir?: string } = {},
): RunningServices {
  const logDir = opts.logDir ?? LOG_DIR;
  mkdirSync(logDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  for (const spec of SERVICES) {
    const log = createWriteStream(join(logDir, `${spec.name}.log`), {
      flags: 'a',
    });
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', serviceEntry(spec.name)],
      {
        env: serviceEnv(spec, opts.overrides ?? noOverrides),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(spec.name, child);
  }
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  return { children, stop };
}

export async function waitReady(
  opts: { ports?: Readonly<Record<string, number>>; timeoutMs?: number } = {},
): Promise<Map<string, number>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const status = new Map<string, number>();
  for (const spec of SERVICES) {
    const port = opts.ports?.[spec.name] ?? spec.port;
    for (;;) {
      const code = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      status.set(spec.name, code);
      if (code === 200) break;
      if (Date.now() > deadline) return status;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return status;
}
