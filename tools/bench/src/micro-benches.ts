import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './world-access';

/**
 * The services' own benchmarks, run as they are documented (tsx, one process
 * each) so the figures are the ones their authors measure; their printed
 * summary lines are read back.
 */
export interface MicroBench {
  name: string;
  tsconfig: string;
  file: string;
  env?: Record<string, string>;
  read(output: string): Record<string, number>;
}

function numberAfter(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (!match?.[1]) throw new Error(`no ${what} in the output`);
  return Number(match[1]);
}

export function readCardImport(output: string): Record<string, number> {
  return {
    cardsPerSecond: numberAfter(output, /([\d.]+) cards stored\/s/, 'cards stored/s'),
    seconds: numberAfter(output, /^time ([\d.]+) s/m, 'time'),
    // The issue asks that memory stays bounded: the process's peak resident set, as the kernel counted it.
    peakRssMb: numberAfter(output, /getrusage maxRSS\) (\d+) MB/, 'peak RSS'),
  };
}

export function readAllocation(output: string): Record<string, number> {
  return {
    skipLockedPerSecond: numberAfter(output, /FOR UPDATE SKIP LOCKED: mean (\d+) allocations\/s/, 'SKIP LOCKED allocations/s'),
    forUpdatePerSecond: numberAfter(output, /plain FOR UPDATE:\s+mean (\d+) allocations\/s/, 'FOR UPDATE allocations/s'),
  };
}

export function readRiskAssessment(output: string): Record<string, number> {
  return {
    assessmentsPerSecond: numberAfter(output, /assessments\/s: (\d+)/, 'assessments/s'),
    p50Ms: numberAfter(output, /p50 ([\d.]+)/, 'p50'),
    p99Ms: numberAfter(output, /p99 ([\d.]+)/, 'p99'),
  };
}

export const MICRO_BENCHES: readonly MicroBench[] = [
  {
    name: 'card import (100,000 lines)',
    tsconfig: 'tsconfig.base.json',
    file: 'apps/card-inventory/src/import/card-import.bench.ts',
    env: { BENCH_LINES: '100000' },
    read: readCardImport,
  },
  {
    name: 'hot-product allocation (16 allocators)',
    tsconfig: 'tsconfig.base.json',
    file: 'apps/card-inventory/src/allocation/allocation.bench.ts',
    env: { BENCH_ORDERS: '2000', BENCH_ROUNDS: '2' },
    read: readAllocation,
  },
  {
    name: 'risk assessment (100,000 orders, 4 in flight)',
    // The base config: the app's own config covers only its src, so the libraries' decorators would compile as TC39 ones.
    tsconfig: 'tsconfig.base.json',
    file: 'apps/risk-control/src/assessment/risk-service.bench.ts',
    env: { BENCH_ORDERS: '100000' },
    read: readRiskAssessment,
  },
];

export interface MicroResult {
  name: string;
  figures: Record<string, number>;
  seconds: number;
  error?: string;
}

/** Runs one benchmark; its whole output goes to <logDir>/<file name>.log. */
export function runMicroBench(bench: MicroBench, logDir: string): Promise<MicroResult> {
  const started = Date.now();
  const logFile = join(logDir, `${bench.file.split('/').pop() ?? bench.name}.log`);
  const log = createWriteStream(logFile);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', bench.tsconfig, bench.file], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...bench.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    child.once('exit', (code) => {
      log.end();
      const seconds = (Date.now() - started) / 1000;
      try {
        if (code !== 0) throw new Error(`exit ${code}; see ${logFile}`);
        resolve({ name: bench.name, figures: bench.read(output), seconds });
      } catch (error) {
        resolve({ name: bench.name, figures: {}, seconds, error: (error as Error).message });
      }
    });
  });
}
