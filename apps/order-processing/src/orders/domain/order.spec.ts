import {
  allocateCards,
  applyRiskDecision,
  cancel,
  createOrder,
  markOutOfStock,
  receivePayment,
  recordDelivery,
  recordDeliveryFailure,
  recordRefund,
  refundBackorder,
  refundDue,
  RefusedCommand,
  requestAfterSaleRefund,
  requestRefund,
  retryDelivery,
  whyNoRefund,
  type Order,
  type ShopOrderFacts,
} from './order';
import { IllegalTransition, type OrderState } from './order-state-machine';
import type { IncomingPayment } from './payment-matching';

const shop: ShopOrderFacts = {
  shopOrderId: 'SO-1',
  buyer: { buyerId: 'B-1', email: 'buyer@example.com' },
  lines: [{ lineId: 'L-1', productId: 'P-1', quantity: 2, unitPrice: 500 }],
  totalAmount: 1000,
  currency: 'CNY',
  createdAt: '2026-11-27T00:59:00.000Z',
};
const payment: IncomingPayment = { reference: 'T-1', shopOrderId: 'SO-1', channel: 'alipay', amount: 1000, currency: 'CNY', paidAt: '2026-11-27T01:00:00.000Z' };
const cause = { eventId: 'E-1', at: '2026-11-27T01:00:01.000Z' };

function inState(state: OrderState, paid = true): Order {
  const order = createOrder('O-1', shop, cause).order;
  return { ...order, state, payments: paid ? [{ ...payment, outcome: 'matched' }] : [] };
}

const path = (change: { entries: { from: OrderState | null; to: OrderState }[] }) => change.entries.map((e) => `${e.from}>${e.to}`);

describe('the order aggregate', () => {
  describe('creation', () => {
    it('starts AWAITING_PAYMENT with a creation entry carrying the cause', () => {
      const change = createOrder('O-1', shop, cause);
      expect(change.order).toMatchObject({ id: 'O-1', shopOrderId: 'SO-1', state: 'AWAITING_PAYMENT', payments: [] });
      expect(change.entries).toEqual([{ from: null, to: 'AWAITING_PAYMENT', trigger: 'order-created', causeEventId: 'E-1', at: cause.at }]);
      expect(change.newPayments).toEqual([]);
    });

    it('matches a payment that arrived before the order', () => {
      const change = createOrder('O-1', shop, cause, [payment]);
      expect(change.order.state).toBe('PAID');
      expect(path(change)).toEqual(['null>AWAITING_PAYMENT', 'AWAITING_PAYMENT>PAID']);
      expect(change.newPayments).toEqual([{ ...payment, outcome: 'matched' }]);
    });

    it('holds an earlier payment of the wrong amount for review, with the reason', () => {
      const change = createOrder('O-1', shop, cause, [{ ...payment, amount: 10 }]);
      expect(change.order.state).toBe('IN_REVIEW');
      expect(change.entries[1]).toMatchObject({ trigger: 'payment-held', reason: expect.stringContaining('does not match the order total') });
    });

    it('takes the first of several earlier payments and keeps the rest as surplus', () => {
      const change = createOrder('O-1', shop, cause, [payment, { ...payment, reference: 'T-2' }, payment]);
      expect(change.order.state).toBe('PAID');
      expect(change.newPayments.map((p) => [p.reference, p.outcome])).toEqual([
        ['T-1', 'matched'],
        ['T-2', 'surplus'],
      ]);
    });
  });

  describe('payments', () => {
    it('pays an order awaiting payment', () => {
      const change = receivePayment(inState('AWAITING_PAYMENT', false), payment, cause);
      expect(change.outcome).toEqual({ kind: 'matched' });
      expect(change.order.state).toBe('PAID');
      expect(change.order.payments).toEqual([{ ...payment, outcome: 'matched' }]);
    });

    it('ignores the same payment reported again', () => {
      const change = receivePayment(inState('APPROVED'), payment, cause);
      expect(change).toMatchObject({ outcome: { kind: 'duplicate' }, entries: [], newPayments: [] });
      expect(change.order.payments).toHaveLength(1);
    });

    it('records a second payment as surplus without touching the state', () => {
      const change = receivePayment(inState('APPROVED'), { ...payment, reference: 'T-2' }, cause);
      expect(change.order.state).toBe('APPROVED');
      expect(change.entries).toEqual([]);
      expect(change.newPayments).toEqual([expect.objectContaining({ reference: 'T-2', outcome: 'surplus' })]);
    });

    it('sends a cancelled order that gets paid to review', () => {
      const change = receivePayment(inState('CANCELLED', false), payment, cause);
      expect(change.order.state).toBe('IN_REVIEW');
      expect(change.entries[0]?.reason).toContain('cancelled order');
      expect(refundDue(change.order)).toEqual({ amount: 1000, currency: 'CNY' });
    });
  });

  describe('risk decisions', () => {
    it('approves', () => {
      expect(path(applyRiskDecision(inState('PAID'), 'approve', 'score 0', cause))).toEqual(['PAID>APPROVED']);
    });

    it('holds for review with the reason', () => {
      const change = applyRiskDecision(inState('PAID'), 'review', 'new device', cause);
      expect(change.entries).toEqual([expect.objectContaining({ to: 'IN_REVIEW', reason: 'new device' })]);
    });

    it('rejects and requests the refund at once', () => {
      const change = applyRiskDecision(inState('PAID'), 'reject', 'blocked buyer', cause);
      expect(path(change)).toEqual(['PAID>REJECTED', 'REJECTED>REFUND_REQUESTED']);
      expect(change.entries[1]?.reason).toBe('rejected by risk control: blocked buyer');
    });

    it('follows a reviewer approving a held order', () => {
      expect(applyRiskDecision(inState('IN_REVIEW'), 'approve', 'reviewer', cause).order.state).toBe('APPROVED');
    });

    it('refuses a decision on an order already approved', () => {
      expect(() => applyRiskDecision(inState('APPROVED'), 'reject', 'late', cause)).toThrow(IllegalTransition);
    });

    it('follows a reviewer rejecting a held order, with the refund at once', () => {
      expect(path(applyRiskDecision(inState('IN_REVIEW'), 'reject', 'stolen card', cause))).toEqual(['IN_REVIEW>REJECTED', 'REJECTED>REFUND_REQUESTED']);
    });

    it('keeps a held order held when the hold is published again', () => {
      expect(applyRiskDecision(inState('IN_REVIEW'), 'review', 'still unsure', cause).entries).toEqual([]);
    });

    it('ignores a decision reaching an order already stopped', () => {
      for (const state of ['CANCELLED', 'REFUND_REQUESTED', 'REFUNDED'] as const) {
        expect(applyRiskDecision(inState(state), 'approve', 'reviewer', cause).entries).toEqual([]);
      }
    });
  });

  describe('stock and delivery', () => {
    it('allocates an approved order and fills a backorder', () => {
      expect(allocateCards(inState('APPROVED'), cause, false).order.state).toBe('ALLOCATED');
      expect(allocateCards(inState('OUT_OF_STOCK'), cause, false).order.state).toBe('ALLOCATED');
    });

    it('lets a replacement card leave a delivered order as it is', () => {
      expect(allocateCards(inState('COMPLETED'), cause, true).entries).toEqual([]);
    });

    it('refuses a first allocation for an order that is not approved', () => {
      expect(() => allocateCards(inState('PAID'), cause, false)).toThrow('an order in PAID cannot go to ALLOCATED on cards-allocated');
    });

    it('marks an approved order out of stock', () => {
      expect(markOutOfStock(inState('APPROVED'), 'P-1: 0 of 2', cause).entries).toEqual([
        expect.objectContaining({ from: 'APPROVED', to: 'OUT_OF_STOCK', reason: 'P-1: 0 of 2' }),
      ]);
    });

    it('completes on the first delivery and ignores the next channels', () => {
      const first = recordDelivery(inState('ALLOCATED'), cause);
      expect(path(first)).toEqual(['ALLOCATED>DELIVERED', 'DELIVERED>COMPLETED']);
      expect(recordDelivery(first.order, cause).entries).toEqual([]);
    });

    it('completes after a failed channel when another succeeds', () => {
      expect(recordDelivery(inState('DELIVERY_FAILED'), cause).order.state).toBe('COMPLETED');
    });

    it('takes a delivery outcome that overtook its allocation event as proof of the allocation', () => {
      expect(path(recordDelivery(inState('APPROVED'), cause))).toEqual(['APPROVED>ALLOCATED', 'ALLOCATED>DELIVERED', 'DELIVERED>COMPLETED']);
      expect(path(recordDelivery(inState('OUT_OF_STOCK'), cause))).toEqual(['OUT_OF_STOCK>ALLOCATED', 'ALLOCATED>DELIVERED', 'DELIVERED>COMPLETED']);
      expect(path(recordDeliveryFailure(inState('APPROVED'), 'bounced', cause))).toEqual(['APPROVED>ALLOCATED', 'ALLOCATED>DELIVERY_FAILED']);
    });

    it('lets the late allocation event of a delivered or failed order change nothing', () => {
      for (const state of ['DELIVERED', 'COMPLETED', 'DELIVERY_FAILED'] as const) expect(allocateCards(inState(state), cause, false).entries).toEqual([]);
      expect(() => allocateCards(inState('ALLOCATED'), cause, false)).toThrow('an order in ALLOCATED cannot go to ALLOCATED on cards-allocated');
    });

    it('records a failed delivery only while nothing was delivered', () => {
      expect(recordDeliveryFailure(inState('ALLOCATED'), 'bounced', cause).order.state).toBe('DELIVERY_FAILED');
      expect(recordDeliveryFailure(inState('COMPLETED'), 'bounced', cause).entries).toEqual([]);
      expect(recordDeliveryFailure(inState('DELIVERY_FAILED'), 'bounced', cause).entries).toEqual([]);
    });
  });

  describe('delivery retry', () => {
    it('sends a failed delivery back to ALLOCATED with the reason', () => {
      expect(retryDelivery(inState('DELIVERY_FAILED'), 'alice: email fixed', cause).entries).toEqual([
        expect.objectContaining({ from: 'DELIVERY_FAILED', to: 'ALLOCATED', trigger: 'delivery-retried', reason: 'alice: email fixed' }),
      ]);
    });

    it('refuses a retry where it does not apply, saying why', () => {
      expect(() => retryDelivery(inState('ALLOCATED'), 'x', cause)).toThrow(new RefusedCommand('the order is ALLOCATED: its delivery is still in progress'));
      expect(() => retryDelivery(inState('COMPLETED'), 'x', cause)).toThrow(new RefusedCommand('the order is COMPLETED: its cards already reached the buyer'));
      expect(() => retryDelivery(inState('OUT_OF_STOCK'), 'x', cause)).toThrow(
        new RefusedCommand('the order is OUT_OF_STOCK: only an order whose delivery failed (DELIVERY_FAILED) can be delivered again'),
      );
    });
  });

  describe('cancellation and refunds', () => {
    it('cancels an unpaid order without a refund', () => {
      expect(path(cancel(inState('AWAITING_PAYMENT', false), 'buyer gave up', cause))).toEqual(['AWAITING_PAYMENT>CANCELLED']);
    });

    it('cancels a paid order and requests its refund', () => {
      const change = cancel(inState('PAID'), 'buyer gave up', cause);
      expect(path(change)).toEqual(['PAID>CANCELLED', 'CANCELLED>REFUND_REQUESTED']);
      expect(change.entries.map((e) => e.reason)).toEqual(['buyer gave up', 'cancelled after payment: buyer gave up']);
    });

    it('treats a repeated cancellation as done', () => {
      for (const state of ['CANCELLED', 'REFUND_REQUESTED', 'REFUNDED'] as const) {
        expect(cancel(inState(state), 'again', cause).entries).toEqual([]);
      }
    });

    it('refuses to cancel an order whose cards are out', () => {
      expect(() => cancel(inState('ALLOCATED'), 'too late', cause)).toThrow(IllegalTransition);
    });

    it('owes nothing back for an order never paid', () => {
      expect(refundDue(inState('CANCELLED', false))).toBeUndefined();
    });

    it('lets staff refund a held, out-of-stock or undeliverable order, with their reason', () => {
      for (const state of ['IN_REVIEW', 'OUT_OF_STOCK', 'DELIVERY_FAILED'] as const) {
        const change = requestRefund(inState(state), 'alice: buyer asked', cause);
        expect(change.entries).toEqual([expect.objectContaining({ from: state, to: 'REFUND_REQUESTED', reason: 'alice: buyer asked', causeEventId: 'E-1' })]);
      }
    });

    it('lets staff refund a payment that arrived for a cancelled order', () => {
      const order = { ...inState('CANCELLED', false), payments: [{ ...payment, outcome: 'held' as const, reason: 'late' }] };
      expect(requestRefund(order, 'late payment', cause).order.state).toBe('REFUND_REQUESTED');
    });

    it('refuses a staff refund where it does not apply, saying why', () => {
      expect(() => requestRefund(inState('COMPLETED'), 'x', cause)).toThrow(new RefusedCommand('the order is COMPLETED: its cards may already be with the buyer; refund it through after-sale'));
      expect(whyNoRefund(inState('AWAITING_PAYMENT', false))).toBe('the order is not paid; there is nothing to refund');
      expect(whyNoRefund(inState('CANCELLED', false))).toBe('the order was cancelled before any payment; there is nothing to refund');
      expect(whyNoRefund(inState('REFUND_REQUESTED'))).toBe('a refund was already requested for this order');
      expect(whyNoRefund(inState('REFUNDED'))).toBe('the order is already refunded');
      expect(whyNoRefund(inState('APPROVED'))).toMatch(/^the order is APPROVED and on its way to the buyer/);
      expect(whyNoRefund(inState('IN_REVIEW', false))).toBe('no payment was received for this order; there is nothing to refund');
    });

    it('lets after-sale refund an order whose cards went out, and refuses it before that or twice, saying why', () => {
      for (const state of ['ALLOCATED', 'DELIVERED', 'COMPLETED', 'DELIVERY_FAILED'] as const) {
        expect(requestAfterSaleRefund(inState(state), 'case 7: card invalid', cause).entries).toEqual([
          expect.objectContaining({ from: state, to: 'REFUND_REQUESTED', trigger: 'after-sale-refund-requested', reason: 'case 7: card invalid' }),
        ]);
      }
      expect(() => requestAfterSaleRefund(inState('IN_REVIEW'), 'x', cause)).toThrow(
        new RefusedCommand('the order is IN_REVIEW: an after-sale refund applies once cards are allocated (ALLOCATED, DELIVERED, COMPLETED or DELIVERY_FAILED); use the order refund instead'),
      );
      expect(() => requestAfterSaleRefund(inState('REFUND_REQUESTED'), 'x', cause)).toThrow(new RefusedCommand('a refund was already requested for this order'));
      expect(() => requestAfterSaleRefund(inState('REFUNDED'), 'x', cause)).toThrow(new RefusedCommand('the order is already refunded'));
    });

    it('refunds a backorder that waited too long, saying how long', () => {
      expect(refundBackorder(inState('OUT_OF_STOCK'), 1_800_000, cause).entries).toEqual([
        expect.objectContaining({ from: 'OUT_OF_STOCK', to: 'REFUND_REQUESTED', reason: 'out of stock for more than 30 min' }),
      ]);
      expect(refundBackorder(inState('OUT_OF_STOCK'), 1_500, cause).entries[0]?.reason).toBe('out of stock for more than 1.5 s');
      expect(() => refundBackorder(inState('ALLOCATED'), 1_800_000, cause)).toThrow(IllegalTransition);
    });

    it('records the refund once', () => {
      const refunded = recordRefund(inState('REFUND_REQUESTED'), cause, 'the shop accepted refund R-1');
      expect(refunded.entries).toEqual([expect.objectContaining({ from: 'REFUND_REQUESTED', to: 'REFUNDED', reason: 'the shop accepted refund R-1' })]);
      expect(recordRefund(refunded.order, cause).entries).toEqual([]);
    });
  });
});
