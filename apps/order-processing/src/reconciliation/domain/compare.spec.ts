import { reconcile, type OurOrderView, type ReconciliationInput, type ShopOrderView } from './compare';
import type { ProviderEntry } from './settlement-file';

const range = { from: '2026-11-26T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z' };
const paidAt = '2026-11-26T10:00:00.000Z';
const now = '2026-11-27T02:00:00.000Z';

function shop(id: string, totalAmount = 1000, status = 'fulfilled'): ShopOrderView {
  return { shopOrderId: id, status, totalAmount, currency: 'CNY', createdAt: paidAt };
}

function payment(id: string, amount = 1000, occurredAt = paidAt): ProviderEntry {
  return { tradeNo: `PAY-${id}`, shopOrderId: id, type: 'payment', channel: 'alipay', amount, fee: Math.round(amount * 0.006), currency: 'CNY', occurredAt, refundId: null };
}

function refund(id: string, refundId: string, amount = 1000): ProviderEntry {
  return { tradeNo: `PAY-${id}`, shopOrderId: id, type: 'refund', channel: 'alipay', amount: -amount, fee: 0, currency: 'CNY', occurredAt: paidAt, refundId };
}

function ours(id: string, changes: Partial<OurOrderView> = {}, paymentAmount = 1000, outcome: 'matched' | 'held' = 'matched'): OurOrderView {
  return {
    orderId: `order-${id}`,
    shopOrderId: id,
    state: 'COMPLETED',
    totalAmount: 1000,
    currency: 'CNY',
    orderedAt: paidAt,
    payments: [{ reference: `PAY-${id}`, channel: 'alipay', amount: paymentAmount, currency: 'CNY', paidAt, outcome }],
    delivered: true,
    refunded: false,
    ...changes,
  };
}

function run(input: Partial<ReconciliationInput>) {
  return reconcile({ range, shop: [], provider: [], ours: [], now, deliveryDeadlineMs: 3_600_000, ...input }).map((f) => [f.kind, f.shopOrderId]);
}

describe('reconcile', () => {
  it('finds nothing when shop, provider and cardlink agree, refunds included', () => {
    expect(
      run({
        shop: [shop('A'), shop('B', 1000, 'refunded')],
        provider: [payment('A'), payment('B'), refund('B', 'R1')],
        ours: [ours('A'), ours('B', { state: 'REFUNDED', delivered: false, refunded: true })],
      }),
    ).toEqual([]);
  });

  it('reports an order the shop lists and cardlink never received, and nothing else about it', () => {
    expect(run({ shop: [shop('A', 1000, 'paid')], provider: [payment('A', 900)] })).toEqual([['unknown_order', 'A']]);
  });

  it('reports a provider payment in the range for an order nobody knows, but not one outside the range', () => {
    expect(run({ provider: [payment('X'), payment('Y', 1000, '2026-11-27T00:00:00.000Z')] })).toEqual([['unknown_payment', 'X']]);
  });

  it('reports a matched payment for an order the shop does not list', () => {
    expect(run({ provider: [payment('A')], ours: [ours('A')] })).toEqual([['not_in_shop', 'A']]);
  });

  it('tells a delivered order without provider payment from a paid one not yet delivered', () => {
    expect(run({ shop: [shop('D'), shop('P', 1000, 'paid')], ours: [ours('D'), ours('P', { state: 'PAID', delivered: false })] })).toEqual([
      ['delivered_unpaid', 'D'],
      ['missing_in_provider', 'P'],
    ]);
  });

  it('reports differing amounts once, naming each source', () => {
    const findings = reconcile({ range, now, deliveryDeadlineMs: 3_600_000, shop: [shop('A')], provider: [payment('A', 990)], ours: [ours('A')] });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'amount_mismatch',
        description: 'amounts for A differ: shop total 1000 CNY, order total 1000 CNY, our payment 1000 CNY, provider payment 990 CNY',
      }),
    ]);
    const held = { shop: [shop('H', 1000, 'paid')], provider: [payment('H', 900)], ours: [ours('H', { state: 'IN_REVIEW', delivered: false }, 900, 'held')] };
    expect(run({ ...held, now: '2026-11-26T10:30:00.000Z' })).toEqual([['amount_mismatch', 'H']]);
    // Held for review past the deadline, the buyer's money is still unanswered.
    expect(run(held)).toEqual([
      ['amount_mismatch', 'H'],
      ['undelivered_unrefunded', 'H'],
    ]);
  });

  it('reports two refunds, or more refunded than paid', () => {
    expect(
      run({
        shop: [shop('R', 1000, 'refunded'), shop('S', 1000, 'refunded')],
        provider: [payment('R'), refund('R', 'R1'), refund('R', 'R2'), payment('S'), refund('S', 'S1', 1200)],
        ours: [ours('R', { delivered: false, refunded: true }), ours('S', { delivered: false, refunded: true })],
      }),
    ).toEqual([
      ['refunded_twice', 'R'],
      ['refunded_twice', 'S'],
    ]);
  });

  it('reports a paid order neither delivered nor refunded only once the deadline passed', () => {
    const input = { shop: [shop('W', 1000, 'paid')], provider: [payment('W')], ours: [ours('W', { state: 'OUT_OF_STOCK', delivered: false })] };
    expect(run({ ...input, now: '2026-11-26T10:59:59.000Z' })).toEqual([]);
    expect(run({ ...input, now: '2026-11-26T11:00:01.000Z' })).toEqual([['undelivered_unrefunded', 'W']]);
    expect(run({ ...input, provider: [...input.provider, refund('W', 'R1')], now: '2026-11-26T11:00:01.000Z' })).toEqual([]);
  });

  it('keeps buyer contacts out of findings', () => {
    const findings = reconcile({ range, now, deliveryDeadlineMs: 1, shop: [shop('A', 1000, 'paid')], provider: [payment('A')], ours: [] });
    expect(JSON.stringify(findings)).not.toMatch(/buyer|@|email|phone/);
  });
});
