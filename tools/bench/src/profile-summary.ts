/**
 * Where a service spent its CPU: self time of a .cpuprofile by function and
 * by package, from the profiles `npm run bench -- --cpu-prof` writes.
 *
 *   npx tsx tools/bench/src/profile-summary.ts tmp/bench/<run>/profiles/*.cpuprofile
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byFunction: [string, number][];
  byPackage: [string, number][];
}

/** Where a script lives: a node_modules package, node's own code, or the service's bundle. */
export function packageOf(url: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1]) return inModules[1];
  if (url.startsWith('node:') || url === '') return 'node (built-in)';
  if (/dist\/apps\//.test(url)) return 'service bundle';
  return url.split('/').slice(-2).join('/');
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    const fn = `${frame.functionName || '(anonymous)'} ${basename(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = frame.functionName.startsWith('(') ? frame.functionName : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  });
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs, idleMs, byFunction: sorted(byFunction), byPackage: sorted(byPackage) };
}

function main(files: string[]): void {
  for (const file of files) {
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const busy = summary.totalMs - summary.idleMs;
    process.stdout.write(`\n${basename(file)}: ${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s\n  by package:\n`);
    for (const [name, ms] of summary.byPackage) process.stdout.write(`    ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
    process.stdout.write('  by function (self):\n');
    for (const [name, ms] of summary.byFunction.slice(0, 10)) process.stdout.write(`    ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
  }
}

if (require.main === module) main(process.argv.slice(2));
