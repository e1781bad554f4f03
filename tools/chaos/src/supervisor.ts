import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { World } from './world-access';

/**
 * Plays the part of Kubernetes for the world's services: a killed service is
 * started again with the very command line and environment it had, read from
 * /proc before the kill (Linux), and its output appended to the same log.
 */
export class Supervisor {
  /** Each service's command line and environment, read while all of them run (a killed process's /proc entry is gone). */
  private readonly launch = new Map<string, { command: string; args: string[]; env: NodeJS.ProcessEnv }>();

  constructor(
    private readonly world: World,
    private readonly log: (line: string) => void,
  ) {
    for (const [service, child] of world.services.children) {
      const [command, ...args] = child.spawnargs;
      if (!child.pid || !command) throw new Error(`${service} is not running under this world`);
      this.launch.set(service, { command, args, env: processEnvironment(child.pid) });
    }
  }

  /** SIGKILL, then a start after `restartAfterMs`; resolves when the new process answers ready (or the timeout passes). */
  async killAndRestart(service: string, restartAfterMs: number, readyTimeoutMs = 240_000): Promise<{ readyAfterMs: number | undefined }> {
    const child = this.world.services.children.get(service);
    const launch = this.launch.get(service);
    if (!child || !launch) throw new Error(`${service} is not running under this world`);
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    child.kill('SIGKILL');
    await exited;
    await sleep(restartAfterMs);
    const restarted = await this.spawn(service, launch);
    const started = Date.now();
    const ready = await waitReady(this.world.url(service), readyTimeoutMs);
    const readyAfterMs = ready ? Date.now() - started : undefined;
    this.log(`${service}: restarted as pid ${restarted.pid}, ${ready ? `ready after ${(readyAfterMs as number) / 1000} s` : 'NOT ready'}`);
    return { readyAfterMs };
  }

  /** Starts the service again; a start refused for lack of resources (EMFILE, EAGAIN) is tried again, as a kubelet would. */
  private async spawn(service: string, launch: { command: string; args: string[]; env: NodeJS.ProcessEnv }): Promise<ChildProcess> {
    for (let attempt = 1; ; attempt += 1) {
      const restarted = spawn(launch.command, launch.args, { env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const failure = await new Promise<Error | undefined>((resolve) => {
        restarted.once('spawn', () => resolve(undefined));
        restarted.once('error', resolve);
      });
      if (!failure) {
        const logFile = createWriteStream(join(this.world.logDir, `${service}.log`), { flags: 'a' });
        restarted.stdout?.pipe(logFile);
        restarted.stderr?.pipe(logFile);
        restarted.on('error', (error) => this.log(`${service}: ${error.message}`));
        // stop() of the world reads this map, so the restarted process is stopped with the others.
        this.world.services.children.set(service, restarted);
        return restarted;
      }
      if (attempt >= 10) throw new Error(`${service} could not be started again: ${failure.message}`);
      this.log(`${service}: start refused (${failure.message}); trying again in 5 s`);
      await sleep(5_000);
    }
  }

  /** The pids of the services as they run now. */
  pids(): number[] {
    return [...this.world.services.children.values()].flatMap((c) => (c.pid && c.exitCode === null && c.signalCode === null ? [c.pid] : []));
  }
}

async function waitReady(base: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A generous per-probe timeout: under full load this process's own event loop lags by seconds (it also runs the shop).
    const status = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(15_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return true;
    await sleep(500);
  }
  return false;
}

/** The environment a running process was started with. */
function processEnvironment(pid: number): NodeJS.ProcessEnv {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** Local ports of the TCP connections the processes hold to `remotePort` (read from /proc, Linux). */
export function connectionPorts(pids: readonly number[], remotePort: number): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const socket = /^socket:\[(\d+)\]$/.exec(target);
        if (socket?.[1]) inodes.add(socket[1]);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1];
      const remote = columns[2];
      const inode = columns[9];
      if (!local || !remote || !inode || !inodes.has(inode)) continue;
      if (parseInt(remote.split(':')[1] ?? '', 16) !== remotePort) continue;
      ports.push(parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return ports;
}

/**
 * Terminates every Postgres connection of the given roles that one of the
 * processes holds: the database server is shared with other runs, so only
 * this run's connections are cut (as a server restart would cut them).
 */
export async function terminateConnections(adminUrl: string, pgPort: number, pids: readonly number[], roles: readonly string[]): Promise<number> {
  const ports = connectionPorts(pids, pgPort);
  if (ports.length === 0) return 0;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE usename = ANY($1::text[]) AND client_port = ANY($2::int[]) AND pid <> pg_backend_pid()`,
      [roles, ports],
    );
    return result.rows.filter((r) => r.terminated).length;
  } finally {
    await client.end();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
