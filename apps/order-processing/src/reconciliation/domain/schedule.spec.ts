import { dailyRange, providerFileDays } from './schedule';

describe('dailyRange', () => {
  it('is yesterday (UTC) from the configured time on, and nothing before or when off', () => {
    expect(dailyRange(new Date('2026-11-27T01:59:59Z'), '02:00')).toBeUndefined();
    expect(dailyRange(new Date('2026-11-27T02:00:00Z'), '02:00')).toEqual({ from: new Date('2026-11-26T00:00:00Z'), to: new Date('2026-11-27T00:00:00Z') });
    expect(dailyRange(new Date('2026-11-27T23:59:00Z'), '02:00')).toEqual({ from: new Date('2026-11-26T00:00:00Z'), to: new Date('2026-11-27T00:00:00Z') });
    expect(dailyRange(new Date('2026-03-01T00:00:00Z'), '00:00')).toEqual({ from: new Date('2026-02-28T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') });
    expect(dailyRange(new Date('2026-11-27T12:00:00Z'), 'off')).toBeUndefined();
  });
});

describe('providerFileDays', () => {
  it('reads every day the range touches plus the lookahead, never past today', () => {
    const now = new Date('2026-11-27T08:00:00Z');
    expect(providerFileDays(new Date('2026-11-20T00:00:00Z'), new Date('2026-11-21T00:00:00Z'), now, 3)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
    expect(providerFileDays(new Date('2026-11-25T22:00:00Z'), new Date('2026-11-26T01:00:00Z'), now, 3)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
    expect(providerFileDays(new Date('2026-11-27T06:00:00Z'), new Date('2026-11-27T07:00:00Z'), now, 0)).toEqual(['2026-11-27']);
  });
});
