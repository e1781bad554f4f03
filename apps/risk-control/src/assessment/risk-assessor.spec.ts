import type { EntityManager } from 'typeorm';
import { createEnvelope, OrderPaid, RiskAssessed, type EventData } from '@cardlink/contracts';
import type { Outbox } from '@cardlink/messaging';
import type { ListStore } from '../lists/list-store';
import type { ReviewQueue } from '../reviews/review-queue';
import { RuleSetStore } from '../rule-sets/rule-set-store';
import { INITIAL_RULE_SET } from '../rule-sets/initial-rule-set';
import { RiskAssessor } from './risk-assessor';
import type { RiskCounters } from './risk-counters';

const order: EventData<typeof OrderPaid> = {
  orderId: 'order-1',
  shopOrderId: 'SO-1',
  buyer: { buyerId: 'buyer-1' },
  lines: [{ lineId: 'L1', productId: 'game-card', quantity: 1, unitPrice: 9900 }],
  amount: 9900,
  currency: 'CNY',
  paymentChannel: 'alipay',
  paidAt: '2026-11-27T12:00:00.000Z',
};
const cause = createEnvelope(OrderPaid, { source: 'test', subject: order.orderId, data: order });

/** A manager that records statements and answers the few reads the assessor makes. */
function fakeManager() {
  const statements: string[] = [];
  const manager = {
    query: (sql: string) => {
      statements.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
      if (sql.includes('FROM rule_sets')) return Promise.resolve([{ version: 1, definition: INITIAL_RULE_SET, created_by: 'migration', reason: 'initial', created_at: new Date() }]);
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
  return { manager, statements };
}

function assessorWith(observe: RiskCounters['observe']) {
  const published: EventData<typeof RiskAssessed>[] = [];
  const opened: string[] = [];
  const decided: { decision: string; rule: string }[] = [];
  const assessor = new RiskAssessor({
    counters: { observe } as RiskCounters,
    ruleSets: new RuleSetStore(0),
    lists: { entriesFor: () => Promise.resolve([]) } as unknown as ListStore,
    reviews: { open: (_m: EntityManager, _a: string, orderId: string) => (opened.push(orderId), Promise.resolve('case')) } as unknown as ReviewQueue,
    outbox: {
      add: (_m: EntityManager, _d: unknown, event: { data: EventData<typeof RiskAssessed> }) => (published.push(event.data), Promise.resolve()),
    } as unknown as Outbox,
    metrics: { decided: (_m, sample) => void decided.push(sample) },
  });
  return { assessor, published, opened, decided };
}

describe('RiskAssessor fail safe', () => {
  it('holds the order for review when the counting throws, after rolling the counting back', async () => {
    const { manager, statements } = fakeManager();
    const { assessor, published, opened, decided } = assessorWith(() => Promise.reject(new Error('bucket state is not an array')));
    const outcome = await assessor.assess(manager, order, cause);
    expect(decided).toEqual([{ decision: 'review', rule: 'engine.failure' }]);
    expect(outcome).toMatchObject({ decision: 'review', decidedBy: 'fail-safe', ruleSetVersion: 1 });
    expect(statements).toContain('ROLLBACK TO SAVEPOINT');
    expect(opened).toEqual(['order-1']);
    expect(published).toEqual([expect.objectContaining({ decision: 'review', decidedBy: 'fail-safe' })]);
    expect(published[0].firedRules[0].reason).toContain('bucket state is not an array');
  });

  it('lets a deadlock or a lost connection through, so the event is retried instead of decided', async () => {
    const { manager } = fakeManager();
    for (const code of ['40P01', '40001', '08006', '57P01']) {
      const { assessor, published } = assessorWith(() => Promise.reject(Object.assign(new Error('transient'), { code })));
      await expect(assessor.assess(manager, order, cause)).rejects.toThrow('transient');
      expect(published).toEqual([]);
    }
  });

  it('decides normally when nothing fails, releasing the savepoint', async () => {
    const { manager, statements } = fakeManager();
    const { CounterBook, paidOrderFacts } = await import('./counter-book');
    const book = new CounterBook();
    const { assessor, published, decided } = assessorWith(() => Promise.resolve(book.observe(paidOrderFacts(order))));
    expect(await assessor.assess(manager, order, cause)).toMatchObject({ decision: 'approve', decidedBy: 'engine', ruleSetVersion: 1, replayed: false });
    expect(decided).toEqual([{ decision: 'approve', rule: 'none' }]);
    expect(statements).toContain('RELEASE SAVEPOINT risk_assessment');
    expect(published).toHaveLength(1);
  });
});
