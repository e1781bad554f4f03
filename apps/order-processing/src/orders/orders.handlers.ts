import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CardsAllocated,
  DeliveryFailed,
  DeliverySucceeded,
  OutOfStock,
  PaymentReceived,
  RiskAssessed,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  ShopOrderRefunded,
  type EventData,
} from '@cardlink/contracts';
import { InboxContext, PermanentEventError } from '@cardlink/messaging';
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
  type Order,
  type OrderChange,
} from './domain/order';
import type { Cause } from './domain/order-state-machine';
import type { IncomingPayment } from './domain/payment-matching';
import { AfterSaleService } from '../aftersale/after-sale.service';
import { OrderLifecycle } from './order-lifecycle';
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
  constructor(
    @Inject(OrderLifecycle) private readonly lifecycle: OrderLifecycle,
    @Inject(AfterSaleService) private readonly afterSale: AfterSaleService,
  ) {}

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
    await this.apply(ctx, receivePayment(order, payment, causeOf(ctx)));
  }

  @EventPattern(ShopOrderCancelled.type)
  async onShopOrderCancelled(@Payload() data: EventData<typeof ShopOrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(data.shopOrderId);
    const order = await store.findByShopOrderId(data.shopOrderId);
    if (!order) throw new PermanentEventError(`shop order ${data.shopOrderId} was cancelled but never reported`);
    await this.apply(ctx, cancel(order, data.reason ?? 'cancelled by the shop', causeOf(ctx)));
  }

  @EventPattern(ShopOrderRefunded.type)
  async onShopOrderRefunded(@Payload() data: EventData<typeof ShopOrderRefunded>, @Ctx() ctx: InboxContext): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    await store.lockShopOrder(data.shopOrderId);
    const order = await store.findByShopOrderId(data.shopOrderId);
    if (!order) throw new PermanentEventError(`shop order ${data.shopOrderId} was refunded but never reported`);
    // Our request is answered (its acknowledgement may have been lost on the way back), or the shop refunded
    // on its own first: either way nothing more is to be sent.
    await ctx
      .getManager()
      .query(
        `UPDATE refund_requests SET status = CASE WHEN id::text = $2 THEN 'acknowledged' ELSE 'superseded' END, acknowledged_at = now(), next_attempt_at = now()
         WHERE order_id = $1 AND status = 'pending'`,
        [order.id, data.refundId],
      );
    await this.apply(ctx, recordRefund(order, causeOf(ctx), `refunded by the shop (refund ${data.refundId})`));
  }

  @EventPattern(RiskAssessed.type)
  async onRiskAssessed(@Payload() data: EventData<typeof RiskAssessed>, @Ctx() ctx: InboxContext): Promise<void> {
    const reason = data.firedRules.length > 0 ? data.firedRules.map((r) => r.reason).join('; ') : `score ${data.score}`;
    await this.onOrder(ctx, data.orderId, (order, cause) => applyRiskDecision(order, data.decision, reason.slice(0, 500), cause));
  }

  @EventPattern(CardsAllocated.type)
  async onCardsAllocated(@Payload() data: EventData<typeof CardsAllocated>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onOrder(ctx, data.orderId, (order, cause) => allocateCards(order, cause, data.replacesCardId !== undefined));
    // A replacement that waited for stock closes the after-sale case that asked for it.
    if (data.replacesCardId !== undefined) await this.afterSale.replacementAllocated(ctx.getManager(), data.orderId, data.replacesCardId, ctx.getEnvelope().id);
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
      await this.apply(ctx, created);
      order = created.order;
    }
    if (payment) await this.apply(ctx, receivePayment(order, payment, cause));
  }

  private async onOrder(ctx: InboxContext, orderId: string, command: (order: Order, cause: Cause) => OrderChange): Promise<void> {
    const store = new OrderStore(ctx.getManager());
    const order = await store.findById(orderId);
    if (!order) throw new PermanentEventError(`no order ${orderId}`);
    await this.apply(ctx, command(order, causeOf(ctx)));
  }

  private async apply(ctx: InboxContext, change: OrderChange): Promise<void> {
    await this.lifecycle.apply(ctx.getManager(), change, { causedBy: ctx.getEnvelope() });
  }
}

function causeOf(ctx: InboxContext): Cause {
  return { eventId: ctx.getEnvelope().id, at: new Date().toISOString() };
}
