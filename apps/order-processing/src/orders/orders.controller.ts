import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maskEmail, maskPhone, maskSecret } from '@cardlink/observability';
import { OrderLineRecord, OrderRecord, OrderStateHistoryRecord, PaymentRecord } from './order.entities';

/** A payer account may be an email, a phone number or an opaque handle: each is shown masked. */
function maskAccount(account: string): string {
  if (account.includes('@')) return maskEmail(account);
  if (/^\+?[0-9]{6,20}$/.test(account)) return maskPhone(account);
  return maskSecret(account);
}

/** Staff's view of an order: where it stands and how it got there, with the buyer's contacts masked. */
@Controller('orders')
export class OrdersController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get(':id')
  async get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('order id must be a UUID (the id cardlink gave the order, not the shop order id)') }))
    id: string,
  ) {
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ where: { id } });
    if (!order) throw new NotFoundException(`no order ${id}`);
    const [lines, payments, history] = await Promise.all([
      this.dataSource.getRepository(OrderLineRecord).find({ where: { orderId: id }, order: { lineId: 'ASC' } }),
      this.dataSource.getRepository(PaymentRecord).find({ where: { orderId: id }, order: { recordedAt: 'ASC', reference: 'ASC' } }),
      this.dataSource.getRepository(OrderStateHistoryRecord).find({ where: { orderId: id }, order: { id: 'ASC' } }),
    ]);
    return {
      id: order.id,
      shopOrderId: order.shopOrderId,
      state: order.state,
      buyer: {
        buyerId: order.buyer.buyerId,
        ...(order.buyer.email === undefined ? {} : { email: maskEmail(order.buyer.email) }),
        ...(order.buyer.phone === undefined ? {} : { phone: maskPhone(order.buyer.phone) }),
      },
      totalAmount: order.totalAmount,
      currency: order.currency,
      orderedAt: order.orderedAt.toISOString(),
      lines: lines.map((l) => ({ lineId: l.lineId, productId: l.productId, shopListingId: l.shopListingId, quantity: l.quantity, unitPrice: l.unitPrice })),
      payments: payments.map((p) => ({
        reference: p.reference,
        channel: p.channel,
        account: p.account === null ? null : maskAccount(p.account),
        amount: p.amount,
        currency: p.currency,
        paidAt: p.paidAt.toISOString(),
        outcome: p.outcome,
        reason: p.reason,
      })),
      history: history.map((h) => ({
        from: h.fromState,
        to: h.toState,
        trigger: h.trigger,
        reason: h.reason,
        causeEventId: h.causeEventId,
        at: h.occurredAt.toISOString(),
      })),
    };
  }
}
