import { parseSettlementFile, SettlementFileError } from './settlement-file';

const HEADER = 'trade_no,shop_order_id,type,channel,amount,fee,net,currency,occurred_at,refund_id';

describe('parseSettlementFile', () => {
  it('reads payments and refunds as integer minor units, refunds negative', () => {
    const csv = `${HEADER}\nPAY-1,SO-1,payment,wechat,4850,29,4821,CNY,2026-11-26T10:00:00.000Z,\nPAY-1,"SO-1",refund,wechat,-850,0,-850,CNY,2026-11-26T11:00:00.000Z,RF-1\n`;
    expect(parseSettlementFile(csv)).toEqual([
      { tradeNo: 'PAY-1', shopOrderId: 'SO-1', type: 'payment', channel: 'wechat', amount: 4850, fee: 29, currency: 'CNY', occurredAt: '2026-11-26T10:00:00.000Z', refundId: null },
      { tradeNo: 'PAY-1', shopOrderId: 'SO-1', type: 'refund', channel: 'wechat', amount: -850, fee: 0, currency: 'CNY', occurredAt: '2026-11-26T11:00:00.000Z', refundId: 'RF-1' },
    ]);
    expect(parseSettlementFile(`${HEADER}\n`)).toEqual([]);
  });

  it('reads quoted fields with commas and quotes', () => {
    const [entry] = parseSettlementFile(`${HEADER}\nPAY-2,"SO,""2""",payment,alipay,100,1,99,CNY,2026-11-26T10:00:00Z,\n`);
    expect(entry?.shopOrderId).toBe('SO,"2"');
  });

  it.each([
    ['a wrong header', 'a,b\n', /unexpected header/],
    ['a decimal amount', `${HEADER}\nP,S,payment,alipay,48.50,0,48.50,CNY,2026-11-26T10:00:00Z,\n`, /line 2: amount "48.50" is not an integer/],
    ['an unknown type', `${HEADER}\nP,S,chargeback,alipay,1,0,1,CNY,2026-11-26T10:00:00Z,\n`, /line 2: type "chargeback"/],
    ['a net that does not add up', `${HEADER}\nP,S,payment,alipay,100,1,100,CNY,2026-11-26T10:00:00Z,\n`, /net 100 is not amount 100 minus fee 1/],
    ['a refund without id', `${HEADER}\nP,S,refund,alipay,-100,0,-100,CNY,2026-11-26T10:00:00Z,\n`, /refund without refund_id/],
    ['a bad time', `${HEADER}\nP,S,payment,alipay,100,1,99,CNY,yesterday,\n`, /occurred_at "yesterday"/],
  ])('refuses the whole file on %s', (_, csv, message) => {
    expect(() => parseSettlementFile(csv)).toThrow(SettlementFileError);
    expect(() => parseSettlementFile(csv)).toThrow(message);
  });
});
