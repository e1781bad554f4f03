import type { EntityManager } from 'typeorm';
import type { Order, OrderChange, RecordedPayment } from './domain/order';
import type { OrderState } from './domain/order-state-machine';
import type { IncomingPayment } from './domain/payment-matching';
import { OrderLineRecord, OrderRecord, OrderStateHistoryRecord, PaymentRecord, UnmatchedPaymentRecord } from './order.entities';

/**
 * Loads and saves the order aggregate inside the caller's transaction. Orders
 * are locked while a command runs so that concurrent events of one order apply
 * one after the other.
 */
export class OrderStore {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Serialises everything about one shop order id, including payments whose
   * order does not exist yet (there is no row to lock): a payment and its order
   * arriving at the same moment on different topics must still meet.
   */
  async lockShopOrder(shopOrderId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`orders:shop-order:${shopOrderId}`]);
  }

  async findByShopOrderId(shopOrderId: string): Promise<Order | undefined> {
    const record = await this.manager.getRepository(OrderRecord).findOne({ where: { shopOrderId }, lock: { mode: 'pessimistic_write' } });
    return record ? this.assemble(record) : undefined;
  }

  async findById(id: string): Promise<Order | undefined> {
    const record = await this.manager.getRepository(OrderRecord).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return record ? this.assemble(record) : undefined;
  }

  async insert(order: Order): Promise<void> {
    await this.manager.getRepository(OrderRecord).insert({
      id: order.id,
      shopOrderId: order.shopOrderId,
      state: order.state,
      buyer: order.buyer,
      totalAmount: order.totalAmount,
      currency: order.currency,
      orderedAt: new Date(order.orderedAt),
      updatedAt: new Date(),
    });
    await this.manager.getRepository(OrderLineRecord).insert(
      order.lines.map((line) => ({
        orderId: order.id,
        lineId: line.lineId,
        productId: line.productId,
        shopListingId: line.shopListingId ?? null,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      })),
    );
  }

  /** Stores a command's result: the new state, one history row per transition, new payments. */
  async save(change: OrderChange, causeEventId: string): Promise<void> {
    const { order } = change;
    if (change.entries.length > 0) {
      await this.manager.getRepository(OrderRecord).update({ id: order.id }, { state: order.state, updatedAt: new Date() });
      await this.manager.getRepository(OrderStateHistoryRecord).insert(
        change.entries.map((entry) => ({
          orderId: order.id,
          fromState: entry.from,
          toState: entry.to,
          trigger: entry.trigger,
          reason: entry.reason ?? null,
          causeEventId: entry.causeEventId,
          occurredAt: new Date(entry.at),
        })),
      );
    }
    if (change.newPayments.length > 0) {
      await this.manager.getRepository(PaymentRecord).insert(change.newPayments.map((payment) => this.paymentRow(order.id, payment, causeEventId)));
    }
  }

  /** Keeps a payment until its order arrives; the same payment reported twice is kept once. */
  async keepUnmatched(payment: IncomingPayment, causeEventId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(UnmatchedPaymentRecord)
      .values({
        reference: payment.reference,
        shopOrderId: payment.shopOrderId,
        channel: payment.channel,
        account: payment.account ?? null,
        amount: payment.amount,
        currency: payment.currency,
        paidAt: new Date(payment.paidAt),
        causeEventId,
      })
      .orIgnore()
      .execute();
  }

  /** Payments that arrived before the order, oldest first; they leave this table as they are matched. */
  async takeUnmatched(shopOrderId: string): Promise<IncomingPayment[]> {
    const repository = this.manager.getRepository(UnmatchedPaymentRecord);
    const records = await repository.find({ where: { shopOrderId }, order: { receivedAt: 'ASC', reference: 'ASC' } });
    if (records.length > 0) await repository.delete({ shopOrderId });
    return records.map((r) => ({
      reference: r.reference,
      shopOrderId: r.shopOrderId,
      channel: r.channel,
      ...(r.account === null ? {} : { account: r.account }),
      amount: r.amount,
      currency: r.currency,
      paidAt: r.paidAt.toISOString(),
    }));
  }

  private paymentRow(orderId: string, payment: RecordedPayment, causeEventId: string): Partial<PaymentRecord> {
    return {
      reference: payment.reference,
      orderId,
      shopOrderId: payment.shopOrderId,
      channel: payment.channel,
      account: payment.account ?? null,
      amount: payment.amount,
      currency: payment.currency,
      paidAt: new Date(payment.paidAt),
      outcome: payment.outcome,
      reason: payment.reason ?? null,
      causeEventId,
    };
  }

  private async assemble(record: OrderRecord): Promise<Order> {
    const lines = await this.manager.getRepository(OrderLineRecord).find({ where: { orderId: record.id }, order: { lineId: 'ASC' } });
    const payments = await this.manager.getRepository(PaymentRecord).find({ where: { orderId: record.id }, order: { recordedAt: 'ASC' } });
    return {
      id: record.id,
      shopOrderId: record.shopOrderId,
      state: record.state as OrderState,
      buyer: record.buyer,
      lines: lines.map((l) => ({
        lineId: l.lineId,
        productId: l.productId,
        ...(l.shopListingId === null ? {} : { shopListingId: l.shopListingId }),
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
      totalAmount: record.totalAmount,
      currency: record.currency,
      orderedAt: record.orderedAt.toISOString(),
      payments: payments.map((p) => ({
        reference: p.reference,
        shopOrderId: p.shopOrderId,
        channel: p.channel,
        ...(p.account === null ? {} : { account: p.account }),
        amount: p.amount,
        currency: p.currency,
        paidAt: p.paidAt.toISOString(),
        outcome: p.outcome as RecordedPayment['outcome'],
        ...(p.reason === null ? {} : { reason: p.reason }),
      })),
    };
  }
}
