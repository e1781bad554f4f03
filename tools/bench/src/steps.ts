import { percentiles, type Percentiles } from '@cardlink/shop-simulator';
import type { TrackedOrder } from './order-tracker';

/** The pipeline's state at one moment of a step. */
export interface BacklogSample {
  /** Milliseconds since the step began. */
  atMs: number;
  /** Paid orders without all their cards or a refund (the shop's view). */
  inFlight: number;
  /** Sum of cardlink_consumer_lag_messages over the services (sampled by each service every 15 s). */
  consumerLag: number;
  /** Largest cardlink_outbox_oldest_unsent_age_seconds over the services. */
  outboxAgeSeconds: number;
}

export interface StepResult {
  /** Offered orders per second. */
  rate: number;
  seconds: number;
  placed: number;
  /** Orders (of any step) completed per second while the load was offered. */
  completedPerSecond: number;
  /** paid → delivered of this step's completed orders, ms. */
  latencyMs: Percentiles | null;
  refunded: number;
  /** Still neither completed nor refunded when the drain wait ended. */
  unfinished: number;
  /** Webhook answers other than 2xx (every attempt) during the step. */
  webhookErrors: number;
  /** Status → count of those answers. */
  webhookErrorStatuses: Record<string, number>;
  backlog: { inFlightStart: number; inFlightEnd: number; consumerLagEnd: number; outboxAgeMaxSeconds: number; grew: boolean };
  /** Postgres transactions committed per finished order (pg_stat_database of the benchmark's own database). */
  transactionsPerOrder: number | null;
  sustained: boolean;
}

export const P99_LIMIT_MS = 1_000;

/**
 * Whether work piled up during the step: the orders in flight at its end
 * exceed those after its first third by more than one second of offered load,
 * or an outbox kept an event waiting longer than a second, or the consumers
 * lagged by more than a second of load.
 */
export function backlogGrew(samples: readonly BacklogSample[], rate: number, seconds: number): boolean {
  if (samples.length === 0) return false;
  const reference = samples.find((s) => s.atMs >= (seconds * 1000) / 3) ?? samples[0];
  const last = samples[samples.length - 1];
  if (!reference || !last) return false;
  const oneSecond = Math.max(rate, 5);
  return last.inFlight - reference.inFlight > oneSecond || last.outboxAgeSeconds > 1 || last.consumerLag > oneSecond;
}

export function evaluateStep(input: {
  rate: number;
  seconds: number;
  orders: readonly TrackedOrder[];
  completedDuringLoad: number;
  samples: readonly BacklogSample[];
  webhookErrorStatuses: Record<string, number>;
  transactionsPerOrder: number | null;
}): StepResult {
  const placed = input.orders.filter((o) => !o.refused);
  const latencies = placed.flatMap((o) => (o.completedAt !== undefined && o.refundedAt === undefined ? [o.completedAt - o.paidAt] : []));
  const refunded = placed.filter((o) => o.refundedAt !== undefined).length;
  const unfinished = placed.filter((o) => o.completedAt === undefined && o.refundedAt === undefined).length;
  const latencyMs = percentiles(latencies);
  const first = input.samples[0];
  const last = input.samples[input.samples.length - 1];
  const grew = backlogGrew(input.samples, input.rate, input.seconds);
  const webhookErrors = Object.values(input.webhookErrorStatuses).reduce((a, b) => a + b, 0);
  return {
    rate: input.rate,
    seconds: input.seconds,
    placed: placed.length,
    completedPerSecond: input.completedDuringLoad / input.seconds,
    latencyMs,
    refunded,
    unfinished,
    webhookErrors,
    webhookErrorStatuses: input.webhookErrorStatuses,
    backlog: {
      inFlightStart: first?.inFlight ?? 0,
      inFlightEnd: last?.inFlight ?? 0,
      consumerLagEnd: last?.consumerLag ?? 0,
      outboxAgeMaxSeconds: Math.max(0, ...input.samples.map((s) => s.outboxAgeSeconds)),
      grew,
    },
    transactionsPerOrder: input.transactionsPerOrder,
    sustained: latencyMs !== null && latencyMs.p99 < P99_LIMIT_MS && !grew && unfinished === 0 && placed.length > 0,
  };
}

/** The highest offered rate that was sustained; undefined when none was. */
export function highestSustained(steps: readonly StepResult[]): StepResult | undefined {
  return steps.filter((s) => s.sustained).sort((a, b) => b.rate - a.rate)[0];
}
