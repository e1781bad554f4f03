import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CardsAllocated,
  DeliveryFailed,
  DeliverySucceeded,
  OrderApproved,
  OrderCancelled,
  OrderCompleted,
  OrderPaid,
  OutOfStock,
  PaymentReceived,
  RefundRequested,
  RiskAssessed,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  ShopOrderRefunded,
  type EventData,
  type EventEnvelope,
} from '@cardlink/contracts';
import { InboxContext, Outbox, PermanentEventError } from '@cardlink/messaging';
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
  refundDue,
  settlingPayment,
  type Order,
  type OrderChange,
} from './domain/order';
import type { Cause } from './domain/order-state-machine';
import type { IncomingPayment } from './domain/payment-matching';
import { OrderStore } from './order-store';

type ShopOrderData = EventData<typeof ShopOrderCreated>['order'];

/**
 * Follows the shop, risk control, stock and delivery. Each handler runs in the
 * transaction that records the event in the inbox: the state change, its
 * history rows and the events it publishes commit together, once. An event the
 * order's state does not allow fails with IllegalTransition and is retried (an
 * event of another topic may still be on its way) and then dead-lettered.
 */
@Controller()
export class OrderEventHandlers {
  constructor(private readonly outbox: Outbox) {}

  @EventPattern(ShopOrderCreated.type)
  async onShopOrderCreated(@Payload() data: EventData<typeof ShopOrderCreated>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.receiveShopOrder(ctx, data.order, undefined);
  }

  @EventPattern(ShopOrderPaid.type)
  async onShopOrderPaid(@Payload() data: EventData<typeof ShopOrderPaid>, @Ctx() ctx: InboxContext): Promise<void> {
    const { payment } = data;
    await this.receiveShopOrder(ctx, data.order, {
      reference: payment.paymentId,
      shopOrderId: data.order.shopOrderId,
      channel: payment.channel,
      ...(payment.account === undefined ? {} : { account: payment.account }),
      amount: payment.amount,
      currency: payment.currency,
      paidAt: payment.paidAt,
    });
  }

  @EventPattern(PaymentReceived.type)
  async onPaymentReceived(@Payload() data: EventData<typeof PaymentReceived>, @Ctx() ctx: InboxContext): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(data.shopOrderId);
    const payment: IncomingPayment = {
      reference: data.tradeNo,
      shopOrderId: data.shopOrderId,
      channel: data.provider,
      ...(data.payerAccount === undefined ? {} : { account: data.payerAccount }),
      amount: data.amount,
      currency: data.currency,
      paidAt: data.paidAt,
    };
    const order = await store.findByShopOrderId(data.shopOrderId);
    if (!order) {
      await store.keepUnmatched(payment, ctx.getEnvelope().id);
      return;
    }
    await this.apply(ctx, store, receivePayment(order, payment, causeOf(ctx)));
  }

  @EventPattern(ShopOrderCancelled.type)
  async onShopOrderCancelled(@Payload() data: EventData<typeof ShopOrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(data.shopOrderId);
    const order = await store.findByShopOrderId(data.shopOrderId);
    if (!order) throw new PermanentEventError(`shop order ${data.shopOrderId} was cancelled but never reported`);
    await this.apply(ctx, store, cancel(order, data.reason ?? 'cancelled by the shop', causeOf(ctx)));
  }

  @EventPattern(ShopOrderRefunded.type)
  async onShopOrderRefunded(@Payload() data: EventData<typeof ShopOrderRefunded>, @Ctx() ctx: InboxContext): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(data.shopOrderId);
    const order = await store.findByShopOrderId(data.shopOrderId);
    if (!order) throw new PermanentEventError(`shop order ${data.shopOrderId} was refunded but never reported`);
    await this.apply(ctx, store, recordRefund(order, causeOf(ctx)));
  }

  @EventPattern(RiskAssessed.type)
  async onRiskAssessed(@Payload() data: EventData<typeof RiskAssessed>, @Ctx() ctx: InboxContext): Promise<void> {
    const reason = data.firedRules.length > 0 ? data.firedRules.map((r) => r.reason).join('; ') : `score ${data.score}`;
    await this.onOrder(ctx, data.orderId, (order, cause) => applyRiskDecision(order, data.decision, reason.slice(0, 500), cause));
  }

  @EventPattern(CardsAllocated.type)
  async onCardsAllocated(@Payload() data: EventData<typeof CardsAllocated>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onOrder(ctx, data.orderId, (order, cause) => allocateCards(order, cause, data.replacesCardId !== undefined));
  }

  @EventPattern(OutOfStock.type)
  async onOutOfStock(@Payload() data: EventData<typeof OutOfStock>, @Ctx() ctx: InboxContext): Promise<void> {
    const reason = data.lines.map((l) => `${l.productId}: ${l.available} of ${l.requested} available`).join('; ');
    await this.onOrder(ctx, data.orderId, (order, cause) => markOutOfStock(order, reason, cause));
  }

  /** One channel reaching the buyer completes the order (for now: later a product may require several). */
  @EventPattern(DeliverySucceeded.type)
  async onDeliverySucceeded(@Payload() data: EventData<typeof DeliverySucceeded>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onOrder(ctx, data.orderId, (order, cause) => recordDelivery(order, cause));
  }

  @EventPattern(DeliveryFailed.type)
  async onDeliveryFailed(@Payload() data: EventData<typeof DeliveryFailed>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onOrder(ctx, data.orderId, (order, cause) => recordDeliveryFailure(order, `${data.channel}: ${data.reason}`.slice(0, 500), cause));
  }

  /** Creates the order once per shop order id, matches any payment that came first, then this event's payment. */
  private async receiveShopOrder(ctx: InboxContext, shopOrder: ShopOrderData, payment: IncomingPayment | undefined): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(shopOrder.shopOrderId);
    const cause = causeOf(ctx);
    let order = await store.findByShopOrderId(shopOrder.shopOrderId);
    if (!order) {
      const earlier = await store.takeUnmatched(shopOrder.shopOrderId);
      const created = createOrder(randomUUID(), shopOrder, cause, earlier);
      await store.insert({ ...created.order, state: 'AWAITING_PAYMENT', payments: [] });
      await this.apply(ctx, store, created);
      order = created.order;
    }
    if (payment) await this.apply(ctx, store, receivePayment(order, payment, cause));
  }

  private async onOrder(ctx: InboxContext, orderId: string, command: (order: Order, cause: Cause) => OrderChange): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    const order = await store.findById(orderId);
    if (!order) throw new PermanentEventError(`no order ${orderId}`);
    await this.apply(ctx, store, command(order, causeOf(ctx)));
  }

  /** Saves the change and publishes what each transition announces, in the handler's transaction. */
  private async apply(ctx: InboxContext, store: OrderStore, change: OrderChange): Promise<void> {
    const envelope = ctx.getEnvelope();
    await store.save(change, envelope.id);
    for (const entry of change.entries) await this.announce(ctx, change.order, entry.to, entry.reason ?? '', entry.at, envelope);
  }

  private async announce(ctx: InboxContext, order: Order, state: Order['state'], reason: string, at: string, causedBy: EventEnvelope): Promise<void> {
    const manager = ctx.getManager();
    const subject = order.id;
    const lines = order.lines.map((l) => ({ lineId: l.lineId, productId: l.productId, quantity: l.quantity }));
    if (state === 'PAID') {
      const payment = settlingPayment(order);
      if (!payment) throw new Error(`order ${order.id} is PAID without a settling payment`);
      await this.outbox.add(manager, OrderPaid, {
        subject,
        causedBy,
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
    } else if (state === 'APPROVED') {
      await this.outbox.add(manager, OrderApproved, { subject, causedBy, data: { orderId: order.id, shopOrderId: order.shopOrderId, lines, approvedAt: at } });
    } else if (state === 'CANCELLED') {
      await this.outbox.add(manager, OrderCancelled, { subject, causedBy, data: { orderId: order.id, reason, cancelledAt: at } });
    } else if (state === 'REFUND_REQUESTED') {
      const due = refundDue(order) ?? { amount: order.totalAmount, currency: order.currency };
      await this.outbox.add(manager, RefundRequested, {
        subject,
        causedBy,
        data: { orderId: order.id, shopOrderId: order.shopOrderId, ...due, reason: reason.slice(0, 500), requestedAt: at },
      });
    } else if (state === 'COMPLETED') {
      const payment = settlingPayment(order);
      await this.outbox.add(manager, OrderCompleted, { subject, causedBy, data: { orderId: order.id, paidAt: payment?.paidAt ?? order.orderedAt, completedAt: at } });
    }
  }
}

function causeOf(ctx: InboxContext): Cause {
  return { eventId: ctx.getEnvelope().id, at: new Date().toISOString() };
}
