const DAY_MS = 86_400_000;

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The range the daily run covers, once it is due: yesterday (UTC, midnight to
 * midnight) from `at` (HH:MM UTC) today on; undefined before that or when off.
 */
export function dailyRange(now: Date, at: string): { from: Date; to: Date } | undefined {
  if (at === 'off') return undefined;
  const [hours = 0, minutes = 0] = at.split(':').map(Number);
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (now.getTime() < midnight + (hours * 60 + minutes) * 60_000) return undefined;
  return { from: new Date(midnight - DAY_MS), to: new Date(midnight) };
}

/**
 * The provider files (UTC days) a run reads: every day the range touches, and
 * `lookaheadDays` after it for refunds made later, never past today.
 */
export function providerFileDays(from: Date, to: Date, now: Date, lookaheadDays: number): string[] {
  const first = Date.parse(`${utcDay(from.getTime())}T00:00:00Z`);
  const last = Math.min(Date.parse(`${utcDay(to.getTime() - 1)}T00:00:00Z`) + lookaheadDays * DAY_MS, Date.parse(`${utcDay(now.getTime())}T00:00:00Z`));
  const days: string[] = [];
  for (let day = first; day <= last; day += DAY_MS) days.push(utcDay(day));
  return days;
}
