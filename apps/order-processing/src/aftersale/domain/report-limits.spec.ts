import { whyReportRefused, type EarlierReport } from './report-limits';

const limits = { cardWindowHours: 72, perBuyerPerDay: 3 };
const now = new Date('2026-11-27T08:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const report = { cardId: 'card-1', buyerId: 'buyer-1', at: now };

describe('report limits', () => {
  it('lets a first report through', () => {
    expect(whyReportRefused(report, [], limits)).toBeUndefined();
  });

  it('refuses a card reported within the window, saying when it may be reported again', () => {
    const earlier: EarlierReport[] = [{ cardId: 'card-1', buyerId: 'buyer-1', open: false, openedAt: hoursAgo(10) }];
    expect(whyReportRefused(report, earlier, limits)).toBe('card card-1 was already reported on 2026-11-26 22:00 UTC; it can be reported again after 2026-11-29 22:00 UTC');
  });

  it('refuses a card whose case is still open, however old', () => {
    const earlier: EarlierReport[] = [{ cardId: 'card-1', buyerId: 'buyer-2', open: true, openedAt: hoursAgo(500) }];
    expect(whyReportRefused(report, earlier, limits)).toMatch(/still open/);
  });

  it('lets a card be reported again once its window passed and its case is closed', () => {
    const earlier: EarlierReport[] = [{ cardId: 'card-1', buyerId: 'buyer-1', open: false, openedAt: hoursAgo(73) }];
    expect(whyReportRefused(report, earlier, limits)).toBeUndefined();
  });

  it('refuses a buyer over the daily number of reports, counting only the last 24 hours', () => {
    const others = (n: number, h: number): EarlierReport[] => Array.from({ length: n }, (_, i) => ({ cardId: `other-${h}-${i}`, buyerId: 'buyer-1', open: false, openedAt: hoursAgo(h) }));
    expect(whyReportRefused(report, others(2, 1), limits)).toBeUndefined();
    expect(whyReportRefused(report, [...others(2, 1), ...others(5, 25)], limits)).toBeUndefined();
    expect(whyReportRefused(report, others(3, 23), limits)).toBe('buyer buyer-1 already made 3 reports in the last 24 hours (at most 3)');
    expect(whyReportRefused({ ...report, buyerId: 'buyer-2' }, others(3, 1), limits)).toBeUndefined();
  });
});
