import { periodOf } from './cycles';
import { feeFor, MissingFeeRate, rateAt, type FeeRate } from './fees';
import { computeStatement } from './statement';

const rates: FeeRate[] = [
  { channel: 'alipay', basisPoints: 60, fixedMinor: 0, effectiveFrom: '2026-10-01T00:00:00Z' },
  { channel: 'alipay', basisPoints: 38, fixedMinor: 10, effectiveFrom: '2026-10-15T00:00:00Z' },
  { channel: 'wechat', basisPoints: 55, fixedMinor: 0, effectiveFrom: '2026-10-01T00:00:00Z' },
];

describe('fees', () => {
  it('takes the rate in force when the payment was made', () => {
    expect(rateAt(rates, 'alipay', '2026-10-14T23:59:59Z').basisPoints).toBe(60);
    expect(rateAt(rates, 'alipay', '2026-10-15T00:00:00Z').basisPoints).toBe(38);
    expect(() => rateAt(rates, 'alipay', '2026-09-30T00:00:00Z')).toThrow(MissingFeeRate);
    expect(() => rateAt(rates, 'unionpay', '2026-10-20T00:00:00Z')).toThrow('no fee rate for channel unionpay in force at 2026-10-20T00:00:00Z');
  });

  it('rounds the percentage half up per payment, then adds the fixed part', () => {
    expect(feeFor(4_850, { basisPoints: 60, fixedMinor: 0 })).toBe(29); // 29.1
    expect(feeFor(2_500, { basisPoints: 38, fixedMinor: 10 })).toBe(10 + 10); // 9.5 → 10
    expect(feeFor(2_499, { basisPoints: 38, fixedMinor: 10 })).toBe(9 + 10); // 9.4962 → 9
    expect(feeFor(0, { basisPoints: 60, fixedMinor: 5 })).toBe(5);
    expect(feeFor(900_719_925_474_099, { basisPoints: 10_000, fixedMinor: 0 })).toBe(900_719_925_474_099);
    expect(() => feeFor(10.5, { basisPoints: 60, fixedMinor: 0 })).toThrow(RangeError);
  });
});

describe('periodOf', () => {
  it('cuts days for T+1 and T+7 and calendar months for monthly, in UTC', () => {
    expect(periodOf('T+1', '2026-11-26T23:59:59Z')).toEqual({ start: '2026-11-26T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z', payableOn: '2026-11-27' });
    expect(periodOf('T+7', '2026-11-26T05:00:00Z')).toEqual({ start: '2026-11-26T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z', payableOn: '2026-12-03' });
    expect(periodOf('monthly', '2026-12-31T12:00:00Z')).toEqual({ start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z', payableOn: '2027-01-02' });
    expect(periodOf('monthly', '2028-02-10')).toMatchObject({ start: '2028-02-01T00:00:00.000Z', end: '2028-03-01T00:00:00.000Z' });
  });
});

describe('computeStatement', () => {
  it('lists every order with its fee and refund, late refunds and adjustments, and adds up', () => {
    const { lines, totals } = computeStatement({
      rates,
      payments: [
        { orderId: 'o2', shopOrderId: 'S2', reference: 'P2', channel: 'alipay', amount: 2_500, paidAt: '2026-10-20T00:00:00Z', refund: { amount: 2_500, refundedAt: '2026-10-21T00:00:00Z' } },
        { orderId: 'o1', shopOrderId: 'S1', reference: 'P1', channel: 'alipay', amount: 4_850, paidAt: '2026-10-05T00:00:00Z' },
        { orderId: 'o3', shopOrderId: 'S3', reference: 'P3', channel: 'wechat', amount: 1_000, paidAt: '2026-10-06T00:00:00Z' },
      ],
      lateRefunds: [{ orderId: 'o0', shopOrderId: 'S0', amount: 700, refundedAt: '2026-10-02T00:00:00Z' }],
      adjustments: [{ id: 'a1', amount: -150, reason: 'fee under-charged in September', orderId: null }],
    });

    expect(lines.map((l) => [l.kind, l.shopOrderId, l.amount, l.fee, l.refund, l.adjustment, l.net])).toEqual([
      ['order', 'S1', 4_850, 29, 0, 0, 4_821],
      ['order', 'S3', 1_000, 6, 0, 0, 994], // 5.5 → 6
      ['order', 'S2', 2_500, 20, 2_500, 0, -20],
      ['late_refund', 'S0', 0, 0, 700, 0, -700],
      ['adjustment', null, 0, 0, 0, -150, -150],
    ]);
    expect(totals).toEqual({ gross: 8_350, fees: 55, refunds: 3_200, adjustments: -150, net: 4_945, orderCount: 3 });
  });

  it('refuses a payment with no fee rate in force rather than guess', () => {
    expect(() =>
      computeStatement({ rates, lateRefunds: [], adjustments: [], payments: [{ orderId: 'o', shopOrderId: 'S', reference: 'P', channel: 'paypal', amount: 1, paidAt: '2026-10-05T00:00:00Z' }] }),
    ).toThrow(MissingFeeRate);
  });
});
