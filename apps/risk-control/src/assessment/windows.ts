/**
 * The sliding windows risk-control keeps counters for. A window is cut into
 * buckets: the bucket is the resolution of the window's edge, and the number of
 * buckets (windowMs / bucketMs) is what one counter costs in memory and rows.
 */
export interface WindowSpec {
  readonly windowMs: number;
  readonly bucketMs: number;
}

export const WINDOW_IDS = ['1m', '1h', '24h'] as const;
export type WindowId = (typeof WINDOW_IDS)[number];

/** Velocity and daily-limit windows: 60, 60 and 144 buckets. */
export const WINDOWS: Readonly<Record<WindowId, WindowSpec>> = {
  '1m': { windowMs: 60_000, bucketMs: 1_000 },
  '1h': { windowMs: 3_600_000, bucketMs: 60_000 },
  '24h': { windowMs: 86_400_000, bucketMs: 600_000 },
};

export const BURST_WINDOW_IDS = ['1m', '10m'] as const;
export type BurstWindowId = (typeof BURST_WINDOW_IDS)[number];

/**
 * Burst windows keep a set of buyer ids per bucket, so they stay short: a burst
 * of identical amounts is a matter of minutes, not days.
 */
export const BURST_WINDOWS: Readonly<Record<BurstWindowId, WindowSpec>> = {
  '1m': { windowMs: 60_000, bucketMs: 5_000 },
  '10m': { windowMs: 600_000, bucketMs: 60_000 },
};

/** Rolling, not calendar, day: a limit per buyer per day cannot be doubled around midnight. */
export const DAY: WindowSpec = WINDOWS['24h'];

export function assertWindowSpec(spec: WindowSpec): void {
  const { windowMs, bucketMs } = spec;
  if (!Number.isInteger(windowMs) || !Number.isInteger(bucketMs) || bucketMs <= 0 || windowMs <= 0) {
    throw new RangeError(`window ${windowMs} ms / bucket ${bucketMs} ms must be positive whole milliseconds`);
  }
  if (windowMs % bucketMs !== 0) {
    throw new RangeError(`window ${windowMs} ms is not a whole number of ${bucketMs} ms buckets`);
  }
}
