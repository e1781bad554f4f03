import type { MicroResult } from './micro-benches';
import type { PgbenchResult } from './pgbench';
import type { PipelineResult } from './pipeline';
import { hopTable } from './hop-timings';
import { highestSustained, P99_LIMIT_MS } from './steps';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryMb: number; node: string };
  stepSeconds: number;
  pipeline: PipelineResult | null;
  pgbench: PgbenchResult | null;
  /** (orders/s × transactions per order) ÷ pgbench tps, at the highest sustained step (else the last step run). */
  postgresRatio: { ordersPerSecond: number; transactionsPerOrder: number; pgbenchTps: number; ratio: number } | null;
  micro: MicroResult[];
  errors: string[];
}

/** The ratio of the brief: how much of the database's ceiling the pipeline uses at its best step. */
export function postgresRatio(pipeline: PipelineResult | null, pgbench: PgbenchResult | null): BenchReport['postgresRatio'] {
  if (!pipeline || !pgbench || pgbench.tps <= 0) return null;
  const step = highestSustained(pipeline.steps) ?? pipeline.steps[pipeline.steps.length - 1];
  if (!step || step.transactionsPerOrder === null) return null;
  const ordersPerSecond = step.completedPerSecond;
  return { ordersPerSecond, transactionsPerOrder: step.transactionsPerOrder, pgbenchTps: pgbench.tps, ratio: (ordersPerSecond * step.transactionsPerOrder) / pgbench.tps };
}

const fixed = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

export function markdownReport(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`# cardlink benchmark ${report.startedAt}`, '');
  out.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryMb} MB RAM, Node ${m.node}. Run ${report.startedAt} → ${report.finishedAt}.`, '');
  const pipeline = report.pipeline;
  if (pipeline) {
    out.push(`## Pipeline (shop webhook → delivered), ${report.stepSeconds} s per step`, '');
    out.push('| offered orders/s | placed | completed orders/s | p50 ms | p95 ms | p99 ms | max ms | unfinished | webhook errors | in flight start→end | consumer lag (end) | outbox age max s | backlog grew | Postgres xact/order | sustained |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | :---: |');
    for (const s of pipeline.steps) {
      const l = s.latencyMs;
      const errors = s.webhookErrors > 0 ? `${s.webhookErrors} (${Object.entries(s.webhookErrorStatuses).map(([k, v]) => `${k}×${v}`).join(', ')})` : '0';
      out.push(
        `| ${s.rate} | ${s.placed} | ${fixed(s.completedPerSecond, 1)} | ${fixed(l?.p50)} | ${fixed(l?.p95)} | ${fixed(l?.p99)} | ${fixed(l?.max)} | ${s.unfinished} | ${errors} | ${s.backlog.inFlightStart}→${s.backlog.inFlightEnd} | ${s.backlog.consumerLagEnd} | ${fixed(s.backlog.outboxAgeMaxSeconds, 1)} | ${s.backlog.grew ? 'yes' : 'no'} | ${fixed(s.transactionsPerOrder ?? undefined, 1)}${s.unfinished > 0 ? '*' : ''} | ${s.sustained ? 'yes' : 'no'} |`,
      );
    }
    for (const rate of pipeline.skipped) out.push(`| ${rate} | not run: an earlier step was not sustained | | | | | | | | | | | | | |`);
    if (pipeline.steps.some((s) => s.unfinished > 0)) out.push('', '\\* transactions of the step ÷ its finished orders: with unfinished orders this overstates the cost of one order.');
    const best = highestSustained(pipeline.steps);
    if (pipeline.hops.length) out.push('', '### Where the time goes, per hop (the measured steps)', '', ...hopTable(pipeline.hops));
    out.push('', best ? `**Highest step sustained** (p99 < ${P99_LIMIT_MS} ms, no growing backlog, every order finished): **${best.rate} orders/s**.` : `**No step was sustained** (p99 < ${P99_LIMIT_MS} ms, no growing backlog).`, '');
  }
  out.push('## Postgres ceiling', '');
  if (report.pgbench) {
    const p = report.pgbench;
    out.push(`pgbench, custom script (3 inserts + outbox insert + counter update in one transaction), ${p.clients} clients, ${p.seconds} s: **${fixed(p.tps)} tps** (latency avg ${fixed(p.latencyAverageMs, 2)} ms, ${p.failed} failed).`);
  } else out.push('pgbench: not run.');
  const r = report.postgresRatio;
  if (r) out.push('', `Ratio (orders/s × Postgres transactions per order) ÷ pgbench tps = (${fixed(r.ordersPerSecond, 1)} × ${fixed(r.transactionsPerOrder, 1)}) ÷ ${fixed(r.pgbenchTps)} = **${fixed(r.ratio, 2)}**.`);
  out.push('', '## Components', '', '| measurement | result |', '| --- | ---: |');
  const row = (what: string, value: string) => out.push(`| ${what} | ${value} |`);
  for (const micro of report.micro) {
    if (micro.error) row(micro.name, `failed: ${micro.error}`);
    else if ('cardsPerSecond' in micro.figures) {
      row('card import, cards/s (100,000 lines)', fixed(micro.figures['cardsPerSecond']));
      if (micro.figures['peakRssMb'] !== undefined) row('card import, peak resident memory of the process, MB', fixed(micro.figures['peakRssMb']));
    } else if ('skipLockedPerSecond' in micro.figures) {
      const skipLocked = micro.figures['skipLockedPerSecond'] ?? 0;
      const forUpdate = micro.figures['forUpdatePerSecond'] ?? 0;
      row('hot-product allocations/s, 16 allocators, FOR UPDATE SKIP LOCKED', fixed(skipLocked));
      row('hot-product allocations/s, 16 allocators, plain FOR UPDATE', fixed(forUpdate));
      if (forUpdate > 0) row('ratio SKIP LOCKED ÷ FOR UPDATE', `${fixed(skipLocked / forUpdate, 2)}×`);
    } else if ('assessmentsPerSecond' in micro.figures)
      row('risk assessments/s (100,000 orders, 4 in flight; decision p50 / p99 ms)', `${fixed(micro.figures['assessmentsPerSecond'])} (${fixed(micro.figures['p50Ms'], 1)} / ${fixed(micro.figures['p99Ms'], 1)})`);
  }
  const w = pipeline?.webhooks;
  if (w) row(`gateway webhooks/s accepted (signed, ${w.connections} connections, gateway alone; p99 ms; non-2xx)`, `${fixed(w.acceptedPerSecond)} (${fixed(w.latencyMs.p99)}; ${w.non2xx})`);
  if (report.errors.length) out.push('', '## Errors', '', ...report.errors.map((e) => `- ${e}`));
  return `${out.join('\n')}\n`;
}
