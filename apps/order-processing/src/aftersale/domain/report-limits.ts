/**
 * Limits on buyers' reports, so that reporting cannot be used to get cards
 * for free or to flood staff: one case per card while it is open or recent,
 * and a number of reports per buyer per day. The same rules run on the pickup
 * page (before anything is published) and here (the authority).
 */

export interface ReportLimits {
  /** A card reported within this many hours (or with a case still open) cannot be reported again. */
  cardWindowHours: number;
  /** Reports one buyer may make in 24 hours. */
  perBuyerPerDay: number;
}

export interface EarlierReport {
  cardId: string | null;
  buyerId: string;
  open: boolean;
  openedAt: Date;
}

const HOUR_MS = 3_600_000;

/** Why this report is refused, in words the buyer or staff can act on; undefined when it may open a case. */
export function whyReportRefused(report: { cardId: string; buyerId: string; at: Date }, earlier: readonly EarlierReport[], limits: ReportLimits): string | undefined {
  const windowStart = report.at.getTime() - limits.cardWindowHours * HOUR_MS;
  const sameCard = earlier.filter((e) => e.cardId === report.cardId && (e.open || e.openedAt.getTime() > windowStart));
  if (sameCard.length > 0) {
    const latest = sameCard.reduce((a, b) => (a.openedAt > b.openedAt ? a : b));
    const again = new Date(latest.openedAt.getTime() + limits.cardWindowHours * HOUR_MS);
    return latest.open
      ? `card ${report.cardId} was already reported on ${iso(latest.openedAt)} and that case is still open`
      : `card ${report.cardId} was already reported on ${iso(latest.openedAt)}; it can be reported again after ${iso(again)}`;
  }
  const dayStart = report.at.getTime() - 24 * HOUR_MS;
  const today = earlier.filter((e) => e.buyerId === report.buyerId && e.openedAt.getTime() > dayStart);
  if (today.length >= limits.perBuyerPerDay) {
    return `buyer ${report.buyerId} already made ${today.length} reports in the last 24 hours (at most ${limits.perBuyerPerDay})`;
  }
  return undefined;
}

function iso(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
