/**
 * The short fault harness in CI: 600 orders through the six services while
 * each of them is SIGKILLed once and restarted, the run's Postgres
 * connections are terminated, and the shop and the SMTP server fail for a
 * while (the broker restart is left to the full `npm run chaos`, since it
 * disturbs every other test using the broker).
 */
import { formatReport, runChaos, type ChaosReport } from './chaos-run';
import { parseChaosOptions } from './options';

// 5.5 to 9 minutes on a loaded 2-core machine (npm run chaos -- --short, 2026-11-27); CI has room for it.
jest.setTimeout(12 * 60_000);

describe('the short fault harness', () => {
  let report: ChaosReport;
  const log = (line: string) => process.stdout.write(`[chaos] ${line}\n`);

  beforeAll(async () => {
    report = await runChaos(parseChaosOptions(['--short'], 20261127), { log, settleTimeoutMs: 150_000 });
    log(formatReport(report));
  });

  it('kills and restarts every service once and carries out every other fault', () => {
    const killed = report.faults.filter((f) => f.fault.kind === 'kill' && f.ok).map((f) => (f.fault.kind === 'kill' ? f.fault.service : ''));
    expect(new Set(killed).size).toBe(6);
    expect(report.faults.filter((f) => !f.ok)).toEqual([]);
  });

  it('passes every check: nothing lost, nothing doubled, no plaintext secret, stock in step, no dead letter', () => {
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.passed).toBeGreaterThanOrEqual(8);
  });
});
