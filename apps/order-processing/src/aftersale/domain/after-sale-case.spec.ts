import {
  cardVoided,
  CASE_STATES,
  CaseRefusal,
  isOpen,
  openCase,
  recordRefund,
  reject,
  replacementAllocated,
  requestRefund,
  requestReplacement,
  type AfterSaleCase,
  type CaseState,
  type Step,
} from './after-sale-case';

const step = (actor: string, at = '2026-11-27T08:00:00.000Z'): Step => ({ actor, detail: `${actor} did it`, causeEventId: null, at });

function reported(cardId: string | null = 'card-1'): AfterSaleCase {
  return openCase(
    {
      id: 'case-1',
      source: cardId === null ? 'shop-dispute' : 'buyer-report',
      sourceRef: 'report-1',
      orderId: 'order-1',
      shopOrderId: 'LD-1',
      buyerId: 'buyer-1',
      cardId,
      lineId: cardId === null ? null : 'line-1',
      productId: cardId === null ? null : 'prod-1',
      note: 'already redeemed',
      openedAt: '2026-11-27T07:00:00.000Z',
    },
    step('buyer', '2026-11-27T07:00:00.000Z'),
  ).case;
}

function inState(state: CaseState): AfterSaleCase {
  return { ...reported(), state };
}

describe('after-sale case', () => {
  it('opens with an audit entry naming who opened it', () => {
    const { case: opened, audit } = openCase({ ...reported(), id: 'case-2' }, step('buyer'));
    expect(opened.state).toBe('opened');
    expect(audit).toMatchObject({ caseId: 'case-2', orderId: 'order-1', action: 'opened', from: null, to: 'opened', actor: 'buyer' });
  });

  it('is replaced: opened → replacing → replaced, each step audited', () => {
    const asked = requestReplacement(reported(), step('staff:alice'));
    expect(asked.case.state).toBe('replacing');
    expect(asked.audit).toMatchObject({ action: 'replacement-requested', from: 'opened', to: 'replacing', actor: 'staff:alice' });
    const waiting = cardVoided(asked.case, step('card-inventory'));
    expect(waiting.case.state).toBe('replacing');
    expect(waiting.audit).toMatchObject({ action: 'card-voided', from: 'replacing', to: 'replacing' });
    const done = replacementAllocated(waiting.case, step('card-inventory'));
    expect(done.case.state).toBe('replaced');
    expect(done.audit).toMatchObject({ action: 'replaced', from: 'replacing', to: 'replaced', actor: 'card-inventory' });
    expect(isOpen(done.case)).toBe(false);
  });

  it('is refunded: opened → refunding → refunded; a waiting replacement may turn into a refund', () => {
    const refunding = requestRefund(reported(), step('staff:bob'));
    expect(refunding.case.state).toBe('refunding');
    expect(recordRefund(refunding.case, step('shop')).case.state).toBe('refunded');
    expect(requestRefund(inState('replacing'), step('staff:bob')).case.state).toBe('refunding');
  });

  it('is closed by a refund the shop made on its own', () => {
    expect(recordRefund(reported(), step('shop')).audit).toMatchObject({ action: 'refunded', from: 'opened', to: 'refunded', actor: 'shop' });
  });

  it('is rejected only while nothing was done yet', () => {
    expect(reject(reported(), step('staff:carol')).case.state).toBe('rejected');
    expect(() => reject(inState('replacing'), step('staff:carol'))).toThrow('case case-1 is replacing: rejected is allowed only from opened');
  });

  it('refuses to replace a shop dispute, which names no card', () => {
    expect(() => requestReplacement(reported(null), step('staff:alice'))).toThrow(/names no card/);
  });

  it('allows nothing after a final state', () => {
    for (const state of ['replaced', 'refunded', 'rejected'] as const) {
      const c = inState(state);
      for (const command of [requestReplacement, replacementAllocated, requestRefund, recordRefund, reject]) {
        expect(() => command(c, step('staff:alice'))).toThrow(CaseRefusal);
      }
      expect(isOpen(c)).toBe(false);
    }
  });

  it('reaches every state from opened', () => {
    const reached = new Set<CaseState>(['opened']);
    for (const path of [
      [requestReplacement, replacementAllocated],
      [requestRefund, recordRefund],
      [reject],
    ]) {
      let c = reported();
      for (const command of path) {
        c = command(c, step('staff:alice')).case;
        reached.add(c.state);
      }
    }
    expect([...reached].sort()).toEqual([...CASE_STATES].sort());
  });
});
