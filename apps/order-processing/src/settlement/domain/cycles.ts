export const SETTLEMENT_CYCLES = ['T+1', 'T+7', 'monthly'] as const;
export type SettlementCycle = (typeof SETTLEMENT_CYCLES)[number];

export interface SettlementPeriod {
  /** Inclusive, UTC midnight. */
  start: string;
  /** Exclusive, UTC midnight. */
  end: string;
  /** The day (UTC) the money is due to the merchant. */
  payableOn: string;
}

const DAY_MS = 86_400_000;

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The period of the cycle that contains the time. T+N: one UTC day, paid N days
 * after it; monthly: one calendar month (UTC), paid the day after it ends.
 */
export function periodOf(cycle: SettlementCycle, at: string): SettlementPeriod {
  const date = new Date(at);
  if (cycle === 'monthly') {
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), payableOn: isoDay(end + DAY_MS) };
  }
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const days = cycle === 'T+1' ? 1 : 7;
  return { start: new Date(start).toISOString(), end: new Date(start + DAY_MS).toISOString(), payableOn: isoDay(start + days * DAY_MS) };
}
