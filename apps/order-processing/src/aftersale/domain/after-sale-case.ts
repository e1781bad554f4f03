/**
 * An after-sale case (售后): a buyer's report of a bad card or a shop dispute,
 * and how staff resolved it. Plain TypeScript: every change returns the new
 * case and the audit entry that records it.
 */

export const CASE_STATES = ['opened', 'replacing', 'replaced', 'refunding', 'refunded', 'rejected'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_SOURCES = ['buyer-report', 'shop-dispute'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

export const CASE_ACTIONS = ['opened', 'replacement-requested', 'card-voided', 'replaced', 'refund-requested', 'refunded', 'rejected'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** The states a case may leave by each action; `opened` only starts a case. */
const TRANSITIONS: Record<Exclude<CaseAction, 'opened' | 'card-voided'>, { to: CaseState; from: readonly CaseState[] }> = {
  'replacement-requested': { to: 'replacing', from: ['opened'] },
  replaced: { to: 'replaced', from: ['replacing'] },
  // A replacement still waiting for stock may be given up for a refund.
  'refund-requested': { to: 'refunding', from: ['opened', 'replacing'] },
  // The shop may refund on its own (its own dispute handling) before staff decide.
  refunded: { to: 'refunded', from: ['opened', 'replacing', 'refunding'] },
  rejected: { to: 'rejected', from: ['opened'] },
};

export const OPEN_STATES: readonly CaseState[] = ['opened', 'replacing', 'refunding'];

export interface AfterSaleCase {
  id: string;
  source: CaseSource;
  /** The report id or the shop's dispute id: the same one again opens nothing new. */
  sourceRef: string;
  orderId: string;
  shopOrderId: string;
  buyerId: string;
  /** The reported card; a shop dispute names none. */
  cardId: string | null;
  lineId: string | null;
  productId: string | null;
  note: string;
  state: CaseState;
  openedAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  caseId: string | null;
  orderId: string;
  action: CaseAction | 'report-refused';
  from: CaseState | null;
  to: CaseState | null;
  /** `buyer`, `shop`, `card-inventory`, `order-processing`, or `staff:<credential name>`. */
  actor: string;
  detail: string;
  causeEventId: string | null;
  at: string;
}

export interface CaseChange {
  case: AfterSaleCase;
  audit: AuditEntry;
}

/** A command the case's state does not allow; the message says why, for a 409. */
export class CaseRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseRefusal';
  }
}

export interface Step {
  actor: string;
  detail: string;
  causeEventId: string | null;
  at: string;
}

export type NewCase = Omit<AfterSaleCase, 'state' | 'updatedAt'>;

export function openCase(fields: NewCase, step: Step): CaseChange {
  const opened: AfterSaleCase = { ...fields, state: 'opened', updatedAt: step.at };
  return { case: opened, audit: entry(opened, 'opened', null, 'opened', step) };
}

export function isAllowed(state: CaseState, action: keyof typeof TRANSITIONS): boolean {
  return TRANSITIONS[action].from.includes(state);
}

function move(current: AfterSaleCase, action: keyof typeof TRANSITIONS, step: Step): CaseChange {
  const { to, from } = TRANSITIONS[action];
  if (!from.includes(current.state)) {
    throw new CaseRefusal(`case ${current.id} is ${current.state}: ${action} is allowed only from ${from.join(' or ')}`);
  }
  const next: AfterSaleCase = { ...current, state: to, updatedAt: step.at };
  return { case: next, audit: entry(next, action, current.state, to, step) };
}

function entry(c: AfterSaleCase, action: CaseAction, from: CaseState | null, to: CaseState | null, step: Step): AuditEntry {
  return { caseId: c.id, orderId: c.orderId, action, from, to, actor: step.actor, detail: step.detail, causeEventId: step.causeEventId, at: step.at };
}

/** Staff replace the card: card-inventory voids it and allocates another to the same order line. */
export function requestReplacement(current: AfterSaleCase, step: Step): CaseChange & { cardId: string } {
  if (current.cardId === null) throw new CaseRefusal(`case ${current.id} names no card (a shop dispute): refund or reject it`);
  return { ...move(current, 'replacement-requested', step), cardId: current.cardId };
}

/** card-inventory's answer: a replacement was allocated (it is delivered like any allocation). */
export function replacementAllocated(current: AfterSaleCase, step: Step): CaseChange {
  return move(current, 'replaced', step);
}

/** card-inventory voided the card (the detail says what became of its replacement); the state does not change. */
export function cardVoided(current: AfterSaleCase, step: Step): CaseChange {
  return { case: current, audit: entry(current, 'card-voided', current.state, current.state, step) };
}

export function requestRefund(current: AfterSaleCase, step: Step): CaseChange {
  return move(current, 'refund-requested', step);
}

export function recordRefund(current: AfterSaleCase, step: Step): CaseChange {
  return move(current, 'refunded', step);
}

export function reject(current: AfterSaleCase, step: Step): CaseChange {
  return move(current, 'rejected', step);
}

export function isOpen(c: Pick<AfterSaleCase, 'state'>): boolean {
  return OPEN_STATES.includes(c.state);
}
