import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CardReplacementRequested, type CardReported, type CardVoided, type EventData, type EventEnvelope, type ShopOrderDisputed } from '@cardlink/contracts';
import { Outbox, PermanentEventError } from '@cardlink/messaging';
import { personalData } from '@cardlink/personal-data';
import { PeriodicTask, SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { OrderProcessingConfig } from '../config';
import { RefusedCommand, requestAfterSaleRefund } from '../orders/domain/order';
import { OrderLifecycle } from '../orders/order-lifecycle';
import { OrderStore } from '../orders/order-store';
import {
  cardVoided,
  CaseRefusal,
  openCase,
  recordRefund,
  reject,
  replacementAllocated,
  requestRefund,
  requestReplacement,
  type AfterSaleCase,
  type CaseChange,
  type Step,
} from './domain/after-sale-case';
import { whyReportRefused, type ReportLimits } from './domain/report-limits';
import { CaseStore } from './case-store';

const SWEEP_BATCH = 100;

/** Cases name the buyer by match key: the per-buyer limit only compares, and a case outlives the buyer's contacts. */
function buyerKeyOf(buyerId: string): string {
  return personalData().matchKey('buyerId', buyerId) ?? buyerId;
}

/**
 * After-sale cases: opened by buyers' reports (pickup page) and shop disputes,
 * resolved by staff through a replacement (card-inventory voids and replaces,
 * delivery sends the new card like any allocation) or a refund (the order's
 * refund path). Each change and its audit entry, and any event it causes,
 * commit in one transaction.
 */
@Injectable()
export class AfterSaleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AfterSaleService.name);
  private readonly limits: ReportLimits;
  private readonly sweep: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) config: OrderProcessingConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OrderLifecycle) private readonly lifecycle: OrderLifecycle,
  ) {
    this.limits = { cardWindowHours: config.AFTERSALE_CARD_REPORT_WINDOW_HOURS, perBuyerPerDay: config.AFTERSALE_REPORTS_PER_BUYER_PER_DAY };
    this.sweep = new PeriodicTask('after-sale refund sweep', config.AFTERSALE_SWEEP_INTERVAL_MS, () => this.closeRefunded(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
  }

  /** A buyer's report opens a case unless a limit refuses it; a refusal is audited, not retried. */
  async report(manager: EntityManager, data: EventData<typeof CardReported>, event: EventEnvelope): Promise<AfterSaleCase | undefined> {
    const store = new CaseStore(manager);
    const order = await new OrderStore(manager).findById(data.orderId);
    if (!order) throw new PermanentEventError(`card ${data.cardId} was reported on order ${data.orderId}, which is not known`);
    const existing = await store.findBySource('buyer-report', data.reportId);
    if (existing) return existing;
    const buyerKey = buyerKeyOf(order.buyer.buyerId);
    // Reports of one buyer are decided one after the other, so two at once cannot both pass the limit.
    await store.lockBuyer(buyerKey);
    const at = new Date(data.reportedAt);
    const refusal = whyReportRefused({ cardId: data.cardId, buyerId: buyerKey, at }, await store.earlierReports(data.cardId, buyerKey), this.limits);
    if (refusal !== undefined) {
      await store.audit({ caseId: null, orderId: order.id, action: 'report-refused', from: null, to: null, actor: 'buyer', detail: refusal, causeEventId: event.id, at: new Date().toISOString() });
      this.logger.warn({ orderId: order.id, cardId: data.cardId, reportId: data.reportId, refusal }, 'card report refused');
      return undefined;
    }
    const change = openCase(
      {
        id: randomUUID(),
        source: 'buyer-report',
        sourceRef: data.reportId,
        orderId: order.id,
        shopOrderId: order.shopOrderId,
        buyerId: buyerKey,
        cardId: data.cardId,
        lineId: data.lineId,
        productId: data.productId,
        note: data.note,
        openedAt: data.reportedAt,
      },
      { actor: 'buyer', detail: `reported card ${data.cardId} on the pickup page (${data.via})`, causeEventId: event.id, at: new Date().toISOString() },
    );
    await store.insert(change);
    this.logger.log({ caseId: change.case.id, orderId: order.id, cardId: data.cardId }, 'after-sale case opened by a buyer report');
    return change.case;
  }

  /** A shop dispute opens a case naming no card; the same dispute id again opens nothing. */
  async dispute(manager: EntityManager, data: EventData<typeof ShopOrderDisputed>, event: EventEnvelope): Promise<AfterSaleCase> {
    const store = new CaseStore(manager);
    const existing = await store.findBySource('shop-dispute', data.disputeId);
    if (existing) return existing;
    const order = await new OrderStore(manager).findByShopOrderId(data.shopOrderId);
    if (!order) throw new PermanentEventError(`shop order ${data.shopOrderId} was disputed but never reported`);
    const claim = data.amount === undefined ? '' : ` (claims ${data.amount} ${data.currency ?? order.currency})`;
    const change = openCase(
      {
        id: randomUUID(),
        source: 'shop-dispute',
        sourceRef: data.disputeId,
        orderId: order.id,
        shopOrderId: order.shopOrderId,
        buyerId: buyerKeyOf(order.buyer.buyerId),
        cardId: null,
        lineId: null,
        productId: null,
        note: data.reason,
        openedAt: data.openedAt,
      },
      { actor: 'shop', detail: `dispute ${data.disputeId} opened at the shop${claim}`, causeEventId: event.id, at: new Date().toISOString() },
    );
    await store.insert(change);
    this.logger.log({ caseId: change.case.id, orderId: order.id, disputeId: data.disputeId }, 'after-sale case opened by a shop dispute');
    return change.case;
  }

  /** Staff replace the reported card: card-inventory is asked to void it and allocate a replacement. */
  async replace(caseId: string, who: string, reason: string): Promise<AfterSaleCase> {
    return this.staff(caseId, async (manager, current, step) => {
      const change = requestReplacement(current, step);
      await this.outbox.add(manager, CardReplacementRequested, {
        subject: current.orderId,
        id: step.causeEventId ?? undefined,
        data: {
          caseId: current.id,
          orderId: current.orderId,
          cardId: change.cardId,
          reason: reason.slice(0, 500),
          requestedBy: who,
          requestedAt: step.at,
        },
      });
      return change;
    }, who, `replace: ${reason}`);
  }

  /** Staff refund the order through its refund path (the refund request the RefundSender sends to the shop). */
  async refund(caseId: string, who: string, reason: string): Promise<AfterSaleCase> {
    return this.staff(caseId, async (manager, current, step) => {
      const order = await new OrderStore(manager).findById(current.orderId);
      if (!order) throw new NotFoundException(`no order ${current.orderId}`);
      // The shop refunded already: the case is closed by that refund.
      if (order.state === 'REFUNDED') return recordRefund(current, { ...step, detail: `${step.detail} (the order was already refunded)` });
      const change = requestRefund(current, step);
      if (order.state !== 'REFUND_REQUESTED') {
        try {
          await this.lifecycle.apply(manager, requestAfterSaleRefund(order, `after-sale case ${current.id}: ${who}: ${reason}`, { eventId: randomUUID(), at: step.at }), { requestedBy: who });
        } catch (error) {
          if (error instanceof RefusedCommand) throw new CaseRefusal(`the order cannot be refunded: ${error.message}`);
          throw error;
        }
      }
      return change;
    }, who, `refund: ${reason}`);
  }

  async reject(caseId: string, who: string, reason: string): Promise<AfterSaleCase> {
    return this.staff(caseId, async (_manager, current, step) => reject(current, step), who, `reject: ${reason}`);
  }

  /**
   * card-inventory voided the card a case asked about. The void is audited; the case is replaced when this
   * order's line got a card (its CardsAllocated, on the same partition, may have replaced it already), else
   * its replacement waits for stock and CardsAllocated closes it later.
   */
  async cardVoided(manager: EntityManager, data: EventData<typeof CardVoided>, event: EventEnvelope): Promise<void> {
    const store = new CaseStore(manager);
    const current = data.caseId === undefined ? undefined : await store.findById(data.caseId, true);
    if (!current) throw new PermanentEventError(`card ${data.cardId} was voided for case ${data.caseId ?? '(none)'}, which is not known`);
    const mine = data.replacements.filter((r) => r.orderId === current.orderId && (current.lineId === null || r.lineId === current.lineId));
    const allocated = mine.find((r) => r.status === 'allocated');
    const voided = data.alreadyVoided ? `card ${data.cardId} had been voided before` : `card ${data.cardId} voided`;
    const outcome = allocated
      ? `replacement card ${allocated.cardId ?? '(unnamed)'} allocated and sent through the order's delivery channels`
      : mine.length > 0
        ? 'no card in stock: the replacement is served first by the next import'
        : 'the order holds no allocation to replace it on (cancelled?): refund or reject the case';
    const step: Step = { actor: 'card-inventory', detail: `${voided}; ${outcome}`, causeEventId: event.id, at: new Date().toISOString() };
    await store.apply(cardVoided(current, step));
    if (allocated && current.state === 'replacing') await store.apply(replacementAllocated(current, step));
  }

  /** A replacement card was allocated for a voided card (CardsAllocated with replacesCardId): the case that asked is replaced. */
  async replacementAllocated(manager: EntityManager, orderId: string, voidedCardId: string, eventId: string): Promise<void> {
    const store = new CaseStore(manager);
    for (const current of await store.replacingCases(orderId, voidedCardId)) {
      await store.apply(replacementAllocated(current, { actor: 'card-inventory', detail: `a replacement for card ${voidedCardId} was allocated and goes out through the order's delivery channels`, causeEventId: eventId, at: new Date().toISOString() }));
    }
  }

  /** Closes open cases whose order was refunded (by our request or by the shop on its own); returns how many. */
  async closeRefunded(): Promise<number> {
    let closed = 0;
    for (;;) {
      const batch = await this.unitOfWork.run(async (manager) => {
        const store = new CaseStore(manager);
        const due = await store.openCasesOfRefundedOrders(SWEEP_BATCH);
        for (const { current, refundedAt, reason } of due) {
          const actor = current.state === 'refunding' ? 'order-processing' : 'shop';
          await store.apply(recordRefund(current, { actor, detail: `order refunded: ${reason}`, causeEventId: null, at: refundedAt.toISOString() }));
        }
        return due.length;
      });
      closed += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (closed > 0) this.logger.log({ cases: closed }, 'after-sale cases closed by their order refund');
    return closed;
  }

  private async staff(caseId: string, decide: (manager: EntityManager, current: AfterSaleCase, step: Step) => Promise<CaseChange>, who: string, detail: string): Promise<AfterSaleCase> {
    try {
      return await this.unitOfWork.run(async (manager) => {
        const store = new CaseStore(manager);
        const current = await store.findById(caseId, true);
        if (!current) throw new NotFoundException(`no after-sale case ${caseId}`);
        const change = await decide(manager, current, { actor: `staff:${who}`, detail: detail.slice(0, 600), causeEventId: randomUUID(), at: new Date().toISOString() });
        await store.apply(change);
        this.logger.log({ caseId, by: who, action: change.audit.action, state: change.case.state }, 'after-sale case changed by staff');
        return change.case;
      });
    } catch (error) {
      if (error instanceof CaseRefusal) throw new ConflictException(error.message);
      throw error;
    }
  }
}
