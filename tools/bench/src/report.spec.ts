import { evaluateStep } from './steps';
import { markdownReport, postgresRatio, type BenchReport } from './report';

const step = (rate: number, sustained: boolean, completedPerSecond: number) => ({
  ...evaluateStep({ rate, seconds: 30, orders: [], completedDuringLoad: completedPerSecond * 30, samples: [], webhookErrorStatuses: {}, transactionsPerOrder: 10 }),
  sustained,
});

describe('postgresRatio', () => {
  it('uses the highest sustained step', () => {
    const pipeline = { steps: [step(10, true, 10), step(25, true, 24), step(50, false, 30)], skipped: [100], peakConnections: 20, hops: [], webhooks: null };
    const pgbench = { clients: 20, seconds: 20, tps: 1200, latencyAverageMs: 5, transactions: 24000, failed: 0 };
    expect(postgresRatio(pipeline, pgbench)).toEqual({ ordersPerSecond: 24, transactionsPerOrder: 10, pgbenchTps: 1200, ratio: 0.2 });
    expect(postgresRatio(pipeline, null)).toBeNull();
  });
});

describe('markdownReport', () => {
  it('names the highest sustained step and lists the steps not run', () => {
    const report: BenchReport = {
      startedAt: '2026-11-27T08:00:00Z',
      finishedAt: '2026-11-27T08:10:00Z',
      machine: { cpus: 2, cpuModel: 'cpu', memoryMb: 24105, node: 'v20' },
      stepSeconds: 30,
      pipeline: {
        steps: [step(10, true, 10), step(25, false, 20)],
        skipped: [50],
        peakConnections: 20,
        hops: [{ hop: 'shop-gateway → order-processing: shop.order.paid', count: 300, waitMs: { p50: 12.5, p95: 40 }, nextMs: { p50: 8, p95: 30.2 } }],
        webhooks: null,
      },
      pgbench: null,
      postgresRatio: null,
      micro: [
        { name: 'risk', figures: { assessmentsPerSecond: 700, p50Ms: 4, p99Ms: 12 }, seconds: 30 },
        { name: 'import', figures: { cardsPerSecond: 9000, seconds: 11, peakRssMb: 240 }, seconds: 12 },
        { name: 'allocation', figures: { skipLockedPerSecond: 365, forUpdatePerSecond: 227 }, seconds: 20 },
      ],
      errors: [],
    };
    const text = markdownReport(report);
    expect(text).toContain('| card import, peak resident memory of the process, MB | 240 |');
    expect(text).toContain('| ratio SKIP LOCKED ÷ FOR UPDATE | 1.61× |');
    expect(text).toContain('**10 orders/s**');
    expect(text).toContain('| 50 | not run');
    expect(text).toContain('| shop-gateway → order-processing: shop.order.paid | 300 | 12.5 / 40 | 8 / 30.2 |');
    expect(text).toContain('| risk assessments/s (100,000 orders, 4 in flight; decision p50 / p99 ms) | 700 (4.0 / 12.0) |');
  });
});

describe('transactions per order of an unfinished step', () => {
  it('is flagged as overstated', () => {
    const unfinished = evaluateStep({ rate: 10, seconds: 30, orders: [{ step: 1, quantity: 1, paidAt: 0, delivered: 0 }], completedDuringLoad: 0, samples: [], webhookErrorStatuses: {}, transactionsPerOrder: 61.3 });
    const report: BenchReport = {
      startedAt: 'a',
      finishedAt: 'b',
      machine: { cpus: 2, cpuModel: 'cpu', memoryMb: 1, node: 'v20' },
      stepSeconds: 30,
      pipeline: { steps: [unfinished], skipped: [], peakConnections: 1, hops: [], webhooks: null },
      pgbench: null,
      postgresRatio: null,
      micro: [],
      errors: [],
    };
    const text = markdownReport(report);
    expect(text).toContain('| 61.3* | no |');
    expect(text).toContain('overstates');
  });
});
