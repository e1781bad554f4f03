import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeliveryRetryRequested,
  OrderApproved,
  OrderCancelled,
  OrderCompleted,
  OrderPaid,
  RefundRequested,
  type EventEnvelope,
} from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { RefundRequestRecord } from '../refunds/refund-request.entity';
import { refundDue, settlingPayment, type Order, type OrderChange } from './domain/order';
import type { HistoryEntry } from './domain/order-state-machine';
import { OrderMetrics } from './order-metrics';
import { OrderStore } from './order-store';

/** What caused a command: the event handled, or a staff request or a scheduled job (no event). */
export interface CommandOrigin {
  /** The event being handled; its id becomes the causation id of what is published. */
  causedBy?: Pick<EventEnvelope, 'id' | 'correlationid'>;
  /** The admin credential that asked, for events that name it. */
  requestedBy?: string;
}

/**
 * Stores an order's change and, in the same transaction, what each transition
 * announces: events through the outbox and, on REFUND_REQUESTED, the refund
 * request the RefundSender will send to the shop.
 */
@Injectable()
export class OrderLifecycle {
  constructor(
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OrderMetrics) private readonly metrics: OrderMetrics,
  ) {}

  async apply(manager: EntityManager, change: OrderChange, origin: CommandOrigin = {}): Promise<void> {
    const store = new OrderStore(manager);
    const causeId = origin.causedBy?.id ?? change.entries[0]?.causeEventId;
    if (causeId !== undefined) await store.save(change, causeId);
    for (const entry of change.entries) {
      await this.announce(manager, change.order, entry, origin);
      await this.measure(manager, change.order, entry);
    }
  }

  private async measure(manager: EntityManager, order: Order, entry: HistoryEntry): Promise<void> {
    // The order's creation is where it starts, not a transition.
    if (entry.from === null) return;
    this.metrics.transition(manager, entry.from, entry.to);
    if (entry.to !== 'DELIVERED') return;
    // Both times from the stored history (this transaction's writes included), not from different services' clocks.
    const [paid] = (await manager.query(
      `SELECT occurred_at FROM order_state_history WHERE order_id = $1 AND to_state = 'PAID' ORDER BY id DESC LIMIT 1`,
      [order.id],
    )) as { occurred_at: Date }[];
    if (paid) this.metrics.paidToDeliveredSeconds(manager, (Date.parse(entry.at) - paid.occurred_at.getTime()) / 1000);
  }

  private async announce(manager: EntityManager, order: Order, entry: HistoryEntry, origin: CommandOrigin): Promise<void> {
    const subject = order.id;
    const reason = entry.reason ?? '';
    const at = entry.at;
    // A command has no event behind it: the event it publishes takes the transition's cause id, so the
    // history's cause is an event id here too.
    const ids = origin.causedBy ? { causedBy: origin.causedBy } : { id: entry.causeEventId };
    const lines = order.lines.map((l) => ({ lineId: l.lineId, productId: l.productId, quantity: l.quantity }));
    switch (entry.to) {
      case 'PAID': {
        const payment = settlingPayment(order);
        if (!payment) throw new Error(`order ${order.id} is PAID without a settling payment`);
        await this.outbox.add(manager, OrderPaid, {
          subject,
          ...ids,
          data: {
            orderId: order.id,
            shopOrderId: order.shopOrderId,
            buyer: order.buyer,
            lines: order.lines.map((l) => ({ lineId: l.lineId, productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
            amount: payment.amount,
            currency: payment.currency,
            paymentChannel: payment.channel,
            ...(payment.account === undefined ? {} : { paymentAccount: payment.account }),
            paidAt: payment.paidAt,
          },
        });
        return;
      }
      case 'APPROVED':
        await this.outbox.add(manager, OrderApproved, { subject, ...ids, data: { orderId: order.id, shopOrderId: order.shopOrderId, lines, approvedAt: at } });
        return;
      case 'CANCELLED':
        await this.outbox.add(manager, OrderCancelled, { subject, ...ids, data: { orderId: order.id, reason: reason.slice(0, 500), cancelledAt: at } });
        return;
      case 'REFUND_REQUESTED': {
        const due = refundDue(order) ?? { amount: order.totalAmount, currency: order.currency };
        const refundId = await this.keepRefundRequest(manager, order, due, reason);
        await this.outbox.add(manager, RefundRequested, {
          subject,
          ...ids,
          data: { orderId: order.id, shopOrderId: order.shopOrderId, ...due, reason: reason.slice(0, 500), requestedAt: at, refundId },
        });
        return;
      }
      case 'ALLOCATED':
        if (entry.trigger !== 'delivery-retried') return;
        await this.outbox.add(manager, DeliveryRetryRequested, {
          subject,
          ...ids,
          data: {
            orderId: order.id,
            shopOrderId: order.shopOrderId,
            requestedBy: origin.requestedBy ?? 'order-processing',
            ...(reason ? { reason: reason.slice(0, 500) } : {}),
            requestedAt: at,
          },
        });
        return;
      case 'COMPLETED': {
        const payment = settlingPayment(order);
        await this.outbox.add(manager, OrderCompleted, { subject, ...ids, data: { orderId: order.id, paidAt: payment?.paidAt ?? order.orderedAt, completedAt: at } });
        return;
      }
      case 'AWAITING_PAYMENT':
      case 'IN_REVIEW':
      case 'REJECTED':
      case 'OUT_OF_STOCK':
      case 'DELIVERED':
      case 'DELIVERY_FAILED':
      case 'REFUNDED':
        return;
    }
  }

  /** The order's one refund request (the state machine reaches REFUND_REQUESTED once); its id is the shop's refundId. */
  private async keepRefundRequest(manager: EntityManager, order: Order, due: { amount: number; currency: string }, reason: string): Promise<string> {
    const repository = manager.getRepository(RefundRequestRecord);
    await manager
      .createQueryBuilder()
      .insert()
      .into(RefundRequestRecord)
      .values({
        id: randomUUID(),
        orderId: order.id,
        shopOrderId: order.shopOrderId,
        amount: due.amount,
        currency: due.currency,
        reason: (reason || 'refund requested').slice(0, 500),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: () => 'now()',
      })
      .orIgnore()
      .execute();
    const request = await repository.findOneOrFail({ where: { orderId: order.id } });
    return request.id;
  }
}
