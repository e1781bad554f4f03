import { IllegalTransition, ORDER_STATES, TRANSITIONS, TRIGGERS, transition, type OrderState, type Trigger } from './order-state-machine';

/**
 * The lifecycle written out edge by edge, independently of the table, so that
 * a change to the table fails here until the design is changed on purpose.
 */
const ALLOWED: ReadonlyArray<readonly [OrderState, Trigger, OrderState]> = [
  ['AWAITING_PAYMENT', 'payment-matched', 'PAID'],
  ['AWAITING_PAYMENT', 'payment-held', 'IN_REVIEW'],
  ['CANCELLED', 'payment-held', 'IN_REVIEW'],
  ['PAID', 'review-required', 'IN_REVIEW'],
  ['PAID', 'risk-approved', 'APPROVED'],
  ['IN_REVIEW', 'risk-approved', 'APPROVED'],
  ['PAID', 'risk-rejected', 'REJECTED'],
  ['IN_REVIEW', 'risk-rejected', 'REJECTED'],
  ['APPROVED', 'cards-allocated', 'ALLOCATED'],
  ['OUT_OF_STOCK', 'cards-allocated', 'ALLOCATED'],
  ['APPROVED', 'out-of-stock', 'OUT_OF_STOCK'],
  ['ALLOCATED', 'delivered', 'DELIVERED'],
  ['DELIVERY_FAILED', 'delivered', 'DELIVERED'],
  ['ALLOCATED', 'delivery-failed', 'DELIVERY_FAILED'],
  ['DELIVERY_FAILED', 'delivery-retried', 'ALLOCATED'],
  ['DELIVERED', 'completed', 'COMPLETED'],
  ['AWAITING_PAYMENT', 'cancelled', 'CANCELLED'],
  ['PAID', 'cancelled', 'CANCELLED'],
  ['IN_REVIEW', 'cancelled', 'CANCELLED'],
  ['APPROVED', 'cancelled', 'CANCELLED'],
  ['OUT_OF_STOCK', 'cancelled', 'CANCELLED'],
  ['DELIVERY_FAILED', 'cancelled', 'CANCELLED'],
  ['REJECTED', 'refund-requested', 'REFUND_REQUESTED'],
  ['CANCELLED', 'refund-requested', 'REFUND_REQUESTED'],
  ['IN_REVIEW', 'refund-requested', 'REFUND_REQUESTED'],
  ['OUT_OF_STOCK', 'refund-requested', 'REFUND_REQUESTED'],
  ['DELIVERY_FAILED', 'refund-requested', 'REFUND_REQUESTED'],
  ['PAID', 'refunded', 'REFUNDED'],
  ['IN_REVIEW', 'refunded', 'REFUNDED'],
  ['APPROVED', 'refunded', 'REFUNDED'],
  ['REJECTED', 'refunded', 'REFUNDED'],
  ['ALLOCATED', 'refunded', 'REFUNDED'],
  ['OUT_OF_STOCK', 'refunded', 'REFUNDED'],
  ['DELIVERED', 'refunded', 'REFUNDED'],
  ['DELIVERY_FAILED', 'refunded', 'REFUNDED'],
  ['COMPLETED', 'refunded', 'REFUNDED'],
  ['REFUND_REQUESTED', 'refunded', 'REFUNDED'],
  ['ALLOCATED', 'after-sale-refund-requested', 'REFUND_REQUESTED'],
  ['DELIVERED', 'after-sale-refund-requested', 'REFUND_REQUESTED'],
  ['COMPLETED', 'after-sale-refund-requested', 'REFUND_REQUESTED'],
  ['DELIVERY_FAILED', 'after-sale-refund-requested', 'REFUND_REQUESTED'],
];

const isListed = (from: OrderState, trigger: Trigger) => ALLOWED.some(([f, t]) => f === from && t === trigger);
const FORBIDDEN = ORDER_STATES.flatMap((from) => TRIGGERS.filter((trigger) => !isListed(from, trigger)).map((trigger) => [from, trigger] as const));

const cause = { eventId: 'event-1', at: '2026-11-27T01:00:00.000Z' };

describe('OrderStateMachine', () => {
  it('has exactly the transitions of the lifecycle design', () => {
    const fromTable = TRIGGERS.flatMap((trigger) => TRANSITIONS[trigger].from.map((from) => `${from} -${trigger}-> ${TRANSITIONS[trigger].to}`));
    expect(fromTable.sort()).toEqual(ALLOWED.map(([from, trigger, to]) => `${from} -${trigger}-> ${to}`).sort());
  });

  it('checks every pair of state and trigger, allowed or forbidden', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(ORDER_STATES.length * TRIGGERS.length);
    expect([ALLOWED.length, FORBIDDEN.length]).toEqual([41, 154]);
  });

  it('leaves REFUNDED as the only state nothing leads out of', () => {
    const exits = new Set(ALLOWED.map(([from]) => from));
    expect(ORDER_STATES.filter((s) => !exits.has(s))).toEqual(['REFUNDED']);
  });

  it('reaches every state but the initial one through some trigger', () => {
    const reached = new Set(ALLOWED.map(([, , to]) => to));
    expect(ORDER_STATES.filter((s) => !reached.has(s))).toEqual(['AWAITING_PAYMENT']);
  });

  describe.each(ALLOWED)('allowed: %s on %s', (from, trigger, to) => {
    it(`goes to ${to} and records the cause`, () => {
      expect(transition({ state: from }, trigger, cause, 'why')).toEqual({
        state: to,
        entry: { from, to, trigger, reason: 'why', causeEventId: 'event-1', at: '2026-11-27T01:00:00.000Z' },
      });
    });
  });

  describe.each(FORBIDDEN)('forbidden: %s on %s', (from, trigger) => {
    it('throws an IllegalTransition naming from, to and trigger', () => {
      let thrown: unknown;
      try {
        transition({ state: from }, trigger, cause);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransition);
      const illegal = thrown as IllegalTransition;
      expect({ from: illegal.from, to: illegal.to, trigger: illegal.trigger }).toEqual({ from, to: TRANSITIONS[trigger].to, trigger });
      expect(illegal.message).toBe(`an order in ${from} cannot go to ${TRANSITIONS[trigger].to} on ${trigger}`);
    });
  });

  it('omits the reason from the history entry when none is given', () => {
    expect(transition({ state: 'PAID' }, 'risk-approved', cause).entry).not.toHaveProperty('reason');
  });
});
