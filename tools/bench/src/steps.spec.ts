import type { TrackedOrder } from './order-tracker';
import { backlogGrew, evaluateStep, highestSustained, type BacklogSample } from './steps';

const sample = (atMs: number, inFlight: number, extra: Partial<BacklogSample> = {}): BacklogSample => ({ atMs, inFlight, consumerLag: 0, outboxAgeSeconds: 0, ...extra });
const order = (paidAt: number, completedAt?: number, extra: Partial<TrackedOrder> = {}): TrackedOrder => ({ step: 1, quantity: 1, paidAt, delivered: 1, completedAt, ...extra });

describe('backlogGrew', () => {
  it('is false when the orders in flight hover around a level', () => {
    expect(backlogGrew([sample(0, 5), sample(10_000, 30), sample(20_000, 28), sample(30_000, 33)], 100, 30)).toBe(false);
  });

  it('is true when more than a second of load piled up after the first third', () => {
    expect(backlogGrew([sample(0, 5), sample(10_000, 30), sample(20_000, 90), sample(30_000, 160)], 100, 30)).toBe(true);
  });

  it('is true when an outbox holds an event longer than a second, or consumers lag', () => {
    expect(backlogGrew([sample(10_000, 1), sample(30_000, 1, { outboxAgeSeconds: 2.5 })], 100, 30)).toBe(true);
    expect(backlogGrew([sample(10_000, 1), sample(30_000, 1, { consumerLag: 500 })], 100, 30)).toBe(true);
  });
});

describe('evaluateStep', () => {
  const base = { rate: 10, seconds: 30, completedDuringLoad: 290, webhookErrorStatuses: {}, transactionsPerOrder: 12 };

  it('is sustained with p99 under a second, nothing unfinished and no growing backlog', () => {
    const orders = Array.from({ length: 100 }, (_, i) => order(i * 100, i * 100 + 200 + i));
    const result = evaluateStep({ ...base, orders, samples: [sample(10_000, 2), sample(30_000, 2)] });
    expect(result).toMatchObject({ placed: 100, unfinished: 0, sustained: true, completedPerSecond: 290 / 30 });
    expect(result.latencyMs).toMatchObject({ p50: 249, max: 299 });
  });

  it('is not sustained when the p99 reaches a second or an order never finished', () => {
    const slow = Array.from({ length: 100 }, (_, i) => order(0, i < 98 ? 100 : 1_500));
    expect(evaluateStep({ ...base, orders: slow, samples: [] }).sustained).toBe(false);
    const unfinished = [order(0, 100), order(0, undefined, { delivered: 0 })];
    expect(evaluateStep({ ...base, orders: unfinished, samples: [] })).toMatchObject({ unfinished: 1, sustained: false });
  });

  it('leaves refused sales out and counts refunds apart from latency', () => {
    const orders = [order(0, 100), order(0, undefined, { refused: true }), order(0, undefined, { refundedAt: 50 })];
    const result = evaluateStep({ ...base, orders, samples: [], webhookErrorStatuses: { '503': 4 } });
    expect(result).toMatchObject({ placed: 2, refunded: 1, unfinished: 0, webhookErrors: 4 });
    expect(result.latencyMs?.count).toBe(1);
  });
});

describe('highestSustained', () => {
  it('names the highest sustained rate, not the last one', () => {
    const step = (rate: number, sustained: boolean) => ({ ...evaluateStep({ rate, seconds: 1, orders: [], completedDuringLoad: 0, samples: [], webhookErrorStatuses: {}, transactionsPerOrder: null }), sustained });
    expect(highestSustained([step(10, true), step(25, true), step(50, false)])?.rate).toBe(25);
    expect(highestSustained([step(10, false)])).toBeUndefined();
  });
});
