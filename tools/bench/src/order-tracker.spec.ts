import { OrderTracker } from './order-tracker';

const at = (ms: number) => new Date(ms).toISOString();

describe('OrderTracker', () => {
  it('completes an order when its last card arrives, over several fulfilments, and counts each record once', () => {
    const tracker = new OrderTracker();
    tracker.paid('o1', 1, 3, 1_000);
    tracker.ingest([{ seq: 1, at: at(1_200), shopOrderId: 'o1', cards: [{}, {}] }], []);
    expect(tracker.inFlight()).toBe(1);
    tracker.ingest(
      [
        { seq: 1, at: at(1_200), shopOrderId: 'o1', cards: [{}, {}] },
        { seq: 2, at: at(1_500), shopOrderId: 'o1', cards: [{}] },
      ],
      [],
    );
    expect(tracker.orders.get('o1')).toMatchObject({ delivered: 3, completedAt: 1_500 });
    expect(tracker.inFlight()).toBe(0);
    expect(tracker.completedBetween(1_000, 1_500)).toBe(0);
    expect(tracker.completedBetween(1_500, 2_000)).toBe(1);
  });

  it('takes refunded and refused orders out of flight and ignores records of orders it did not place', () => {
    const tracker = new OrderTracker();
    tracker.paid('o1', 1, 1, 0);
    tracker.paid('o2', 2, 1, 0);
    tracker.paid('o3', 2, 1, 0);
    tracker.refused('o3');
    tracker.ingest([{ seq: 1, at: at(10), shopOrderId: 'other', cards: [{}] }], [{ seq: 1, at: at(20), shopOrderId: 'o2' }]);
    expect(tracker.inFlight()).toBe(1);
    expect(tracker.inFlight(2)).toBe(0);
    expect(tracker.orders.get('o2')?.refundedAt).toBe(20);
    expect(tracker.ofStep(2)).toHaveLength(2);
  });
});
