import { matchPayment, type IncomingPayment, type PayableOrder } from './payment-matching';

const order: PayableOrder = { shopOrderId: 'SO-1', state: 'AWAITING_PAYMENT', totalAmount: 1000, currency: 'CNY', paymentReferences: [] };
const payment: IncomingPayment = {
  reference: 'T-1',
  shopOrderId: 'SO-1',
  channel: 'alipay',
  amount: 1000,
  currency: 'CNY',
  paidAt: '2026-11-27T01:00:00.000Z',
};

describe('matchPayment', () => {
  it('matches a payment of the order total in its currency', () => {
    expect(matchPayment(order, payment)).toEqual({ kind: 'matched' });
  });

  it('keeps a payment whose order has not arrived yet', () => {
    expect(matchPayment(undefined, payment)).toEqual({ kind: 'awaiting-order' });
  });

  it('holds a payment of a different amount, naming both amounts', () => {
    expect(matchPayment(order, { ...payment, amount: 999 })).toEqual({
      kind: 'held',
      reason: 'payment T-1 of 999 CNY (minor units) does not match the order total of 1000 CNY (minor units)',
    });
  });

  it('holds an overpayment too', () => {
    expect(matchPayment(order, { ...payment, amount: 1001 })).toMatchObject({ kind: 'held' });
  });

  it('holds a payment in another currency, even of the same number', () => {
    expect(matchPayment(order, { ...payment, currency: 'USD' })).toEqual({
      kind: 'held',
      reason: 'payment T-1 is in USD but the order is in CNY',
    });
  });

  it('holds a payment for a cancelled order', () => {
    expect(matchPayment({ ...order, state: 'CANCELLED' }, payment)).toEqual({
      kind: 'held',
      reason: 'payment T-1 of 1000 CNY (minor units) arrived for a cancelled order',
    });
  });

  it('recognises the same payment reported again, whatever the order state', () => {
    expect(matchPayment({ ...order, state: 'PAID', paymentReferences: ['T-1'] }, payment)).toEqual({ kind: 'duplicate' });
    expect(matchPayment({ ...order, state: 'CANCELLED', paymentReferences: ['T-1'] }, payment)).toEqual({ kind: 'duplicate' });
  });

  it('keeps a second, different payment for a paid order as surplus', () => {
    expect(matchPayment({ ...order, state: 'PAID', paymentReferences: ['T-1'] }, { ...payment, reference: 'T-2' })).toEqual({
      kind: 'surplus',
      reason: 'payment T-2 of 1000 CNY (minor units) arrived for an order already in PAID',
    });
  });

  it('refuses to match a payment against another shop order', () => {
    expect(() => matchPayment(order, { ...payment, shopOrderId: 'SO-2' })).toThrow('payment for shop order SO-2 offered to shop order SO-1');
  });
});
