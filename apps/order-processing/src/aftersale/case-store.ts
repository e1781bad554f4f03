import type { EntityManager } from 'typeorm';
import { OPEN_STATES, type AfterSaleCase, type AuditEntry, type CaseChange, type CaseSource, type CaseState } from './domain/after-sale-case';
import type { EarlierReport } from './domain/report-limits';
import { AfterSaleAuditRecord, AfterSaleCaseRecord } from './after-sale.entities';

function toCase(r: AfterSaleCaseRecord): AfterSaleCase {
  return {
    id: r.id,
    source: r.source as CaseSource,
    sourceRef: r.sourceRef,
    orderId: r.orderId,
    shopOrderId: r.shopOrderId,
    buyerId: r.buyerId,
    cardId: r.cardId,
    lineId: r.lineId,
    productId: r.productId,
    note: r.note,
    state: r.state as CaseState,
    openedAt: r.openedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Loads and saves cases and their audit inside the caller's transaction. */
export class CaseStore {
  constructor(private readonly manager: EntityManager) {}

  async findById(id: string, lock = false): Promise<AfterSaleCase | undefined> {
    const record = await this.manager.getRepository(AfterSaleCaseRecord).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return record ? toCase(record) : undefined;
  }

  async findBySource(source: CaseSource, sourceRef: string): Promise<AfterSaleCase | undefined> {
    const record = await this.manager.getRepository(AfterSaleCaseRecord).findOne({ where: { source, sourceRef } });
    return record ? toCase(record) : undefined;
  }

  async lockBuyer(buyerId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`aftersale:buyer:${buyerId}`]);
  }

  /** Buyer reports of this card or by this buyer: what the limits look at. */
  async earlierReports(cardId: string, buyerId: string): Promise<EarlierReport[]> {
    const rows = (await this.manager.query(
      `SELECT card_id, buyer_id, state, opened_at FROM aftersale_cases WHERE source = 'buyer-report' AND (card_id = $1 OR buyer_id = $2)`,
      [cardId, buyerId],
    )) as { card_id: string | null; buyer_id: string; state: CaseState; opened_at: Date }[];
    return rows.map((r) => ({ cardId: r.card_id, buyerId: r.buyer_id, open: OPEN_STATES.includes(r.state), openedAt: r.opened_at }));
  }

  async insert(change: CaseChange): Promise<void> {
    const c = change.case;
    await this.manager.getRepository(AfterSaleCaseRecord).insert({
      id: c.id,
      source: c.source,
      sourceRef: c.sourceRef,
      orderId: c.orderId,
      shopOrderId: c.shopOrderId,
      buyerId: c.buyerId,
      cardId: c.cardId,
      lineId: c.lineId,
      productId: c.productId,
      note: c.note,
      state: c.state,
      openedAt: new Date(c.openedAt),
      updatedAt: new Date(c.updatedAt),
    });
    await this.audit(change.audit);
  }

  async apply(change: CaseChange): Promise<void> {
    await this.manager.getRepository(AfterSaleCaseRecord).update({ id: change.case.id }, { state: change.case.state, updatedAt: new Date(change.case.updatedAt) });
    await this.audit(change.audit);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.manager.getRepository(AfterSaleAuditRecord).insert({
      caseId: entry.caseId,
      orderId: entry.orderId,
      action: entry.action,
      fromState: entry.from,
      toState: entry.to,
      actor: entry.actor,
      detail: entry.detail,
      causeEventId: entry.causeEventId,
      at: new Date(entry.at),
    });
  }

  async replacingCases(orderId: string, cardId: string): Promise<AfterSaleCase[]> {
    const records = await this.manager.getRepository(AfterSaleCaseRecord).find({ where: { orderId, cardId, state: 'replacing' }, lock: { mode: 'pessimistic_write' } });
    return records.map(toCase);
  }

  /** Open cases whose order is REFUNDED, locked (SKIP LOCKED: replicas sweep side by side), with when and why the order was refunded. */
  async openCasesOfRefundedOrders(limit: number): Promise<{ current: AfterSaleCase; refundedAt: Date; reason: string }[]> {
    const rows = (await this.manager.query(
      `SELECT c.id, h.occurred_at, h.reason FROM aftersale_cases c JOIN orders o ON o.id = c.order_id
       CROSS JOIN LATERAL (SELECT occurred_at, reason FROM order_state_history WHERE order_id = o.id AND to_state = 'REFUNDED' ORDER BY id DESC LIMIT 1) h
       WHERE c.state = ANY($1) AND o.state = 'REFUNDED'
       ORDER BY c.opened_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED`,
      [OPEN_STATES, limit],
    )) as { id: string; occurred_at: Date; reason: string | null }[];
    const due: { current: AfterSaleCase; refundedAt: Date; reason: string }[] = [];
    for (const row of rows) {
      const current = await this.findById(row.id);
      if (current) due.push({ current, refundedAt: row.occurred_at, reason: row.reason ?? 'refunded' });
    }
    return due;
  }

  async list(filter: { state?: CaseState[]; orderId?: string; limit: number; offset: number }): Promise<{ items: AfterSaleCase[]; total: number }> {
    const builder = this.manager.getRepository(AfterSaleCaseRecord).createQueryBuilder('c');
    if (filter.state) builder.andWhere('c.state IN (:...states)', { states: filter.state });
    if (filter.orderId) builder.andWhere('c.orderId = :orderId', { orderId: filter.orderId });
    const [records, total] = await builder.orderBy('c.openedAt', 'DESC').addOrderBy('c.id', 'ASC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items: records.map(toCase), total };
  }

  async auditOf(caseId: string): Promise<AfterSaleAuditRecord[]> {
    return this.manager.getRepository(AfterSaleAuditRecord).find({ where: { caseId }, order: { id: 'ASC' } });
  }

  async refusedReportsOf(orderId: string): Promise<AfterSaleAuditRecord[]> {
    return this.manager.getRepository(AfterSaleAuditRecord).find({ where: { orderId, action: 'report-refused' }, order: { id: 'ASC' } });
  }
}
