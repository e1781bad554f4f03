import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { maskEmail, maskPhone, maskSecret } from '@cardlink/observability';
import { UnitOfWork } from '@cardlink/platform';
import type { Buyer } from '@cardlink/contracts';
import { RefundRequestRecord } from '../refunds/refund-request.entity';
import { RefusedCommand, requestRefund, retryDelivery, type Order, type OrderChange } from './domain/order';
import { ORDER_STATES, type Cause } from './domain/order-state-machine';
import { OrderLifecycle } from './order-lifecycle';
import { OrderLineRecord, OrderRecord, OrderStateHistoryRecord, PaymentRecord } from './order.entities';
import { OrderStore } from './order-store';

/** A payer account may be an email, a phone number or an opaque handle: each is shown masked. */
function maskAccount(account: string): string {
  if (account.includes('@')) return maskEmail(account);
  if (/^\+?[0-9]{6,20}$/.test(account)) return maskPhone(account);
  return maskSecret(account);
}

function maskedBuyer(buyer: Buyer) {
  return {
    buyerId: buyer.buyerId,
    ...(buyer.email === undefined ? {} : { email: maskEmail(buyer.email) }),
    ...(buyer.phone === undefined ? {} : { phone: maskPhone(buyer.phone) }),
  };
}

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  message: 'expected an ISO 8601 date or time, e.g. 2026-11-27 or 2026-11-27T08:00:00Z',
});

const ListQuery = z
  .strictObject(
    {
      state: z
        .string()
        .transform((text) => text.split(',').map((s) => s.trim().toUpperCase()))
        .pipe(z.array(z.enum(ORDER_STATES, { message: `expected one or more of ${ORDER_STATES.join(', ')} (comma-separated)` })))
        .optional(),
      from: instant.optional(),
      to: instant.optional(),
      page: z.coerce.number({ message: 'expected a page number' }).int('expected a whole page number').min(1, 'pages start at 1').default(1),
      pageSize: z.coerce.number({ message: 'expected a page size' }).int('expected a whole page size').min(1, 'at least 1').max(200, 'at most 200').default(50),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}; expected state, from, to, page, pageSize` : undefined) },
  )
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

const Reason = z.string({ message: 'expected a text' }).trim().min(1, 'must not be empty').max(300, 'at most 300 characters');
const RefundBody = z.strictObject({ reason: Reason }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : undefined) });
const RetryDeliveryBody = z.strictObject({ reason: Reason.optional() }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : undefined) });

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : what}: ${i.message}`);
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.join('; '), problems });
}

const orderId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('order id must be a UUID (the id cardlink gave the order, not the shop order id)') });

/** Staff's view of orders and the two things staff may do to one; contacts are always masked. */
@Controller('orders')
export class OrdersController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(OrderLifecycle) private readonly lifecycle: OrderLifecycle,
  ) {}

  /** Orders by state and by when the buyer ordered (`from` inclusive, `to` exclusive), newest first. */
  @Get()
  @RequireScopes('orders:read')
  async list(@Query() query: Record<string, unknown>) {
    const filter = parse(ListQuery, query, 'query');
    const builder = this.dataSource.getRepository(OrderRecord).createQueryBuilder('o');
    if (filter.state) builder.andWhere('o.state IN (:...states)', { states: filter.state });
    if (filter.from) builder.andWhere('o.orderedAt >= :from', { from: new Date(filter.from) });
    if (filter.to) builder.andWhere('o.orderedAt < :to', { to: new Date(filter.to) });
    const [orders, total] = await builder
      .orderBy('o.orderedAt', 'DESC')
      .addOrderBy('o.id', 'ASC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return {
      items: orders.map((o) => ({
        id: o.id,
        shopOrderId: o.shopOrderId,
        state: o.state,
        stateSince: o.updatedAt.toISOString(),
        buyer: maskedBuyer(o.buyer),
        totalAmount: o.totalAmount,
        currency: o.currency,
        orderedAt: o.orderedAt.toISOString(),
      })),
      page: filter.page,
      pageSize: filter.pageSize,
      total,
    };
  }

  @Get(':id')
  @RequireScopes('orders:read')
  async get(@Param('id', orderId) id: string) {
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ where: { id } });
    if (!order) throw new NotFoundException(`no order ${id}`);
    const [lines, payments, history, refund] = await Promise.all([
      this.dataSource.getRepository(OrderLineRecord).find({ where: { orderId: id }, order: { lineId: 'ASC' } }),
      this.dataSource.getRepository(PaymentRecord).find({ where: { orderId: id }, order: { recordedAt: 'ASC', reference: 'ASC' } }),
      this.dataSource.getRepository(OrderStateHistoryRecord).find({ where: { orderId: id }, order: { id: 'ASC' } }),
      this.dataSource.getRepository(RefundRequestRecord).findOne({ where: { orderId: id } }),
    ]);
    return {
      id: order.id,
      shopOrderId: order.shopOrderId,
      state: order.state,
      buyer: maskedBuyer(order.buyer),
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
      refund: refund && {
        refundId: refund.id,
        status: refund.status,
        amount: refund.amount,
        currency: refund.currency,
        reason: refund.reason,
        attempts: refund.attempts,
        lastError: refund.lastError,
        requestedAt: refund.createdAt.toISOString(),
        acknowledgedAt: refund.acknowledgedAt?.toISOString() ?? null,
      },
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

  /** Refunds the buyer through the shop (held for review, out of stock, or undeliverable orders). */
  @Post(':id/refund')
  @HttpCode(202)
  @RequireScopes('orders:write')
  async refund(@Param('id', orderId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parse(RefundBody, body, 'body');
    await this.command(id, who, (order, cause) => requestRefund(order, `${who.name}: ${reason}`, cause));
    const request = await this.dataSource.getRepository(RefundRequestRecord).findOneOrFail({ where: { orderId: id } });
    return { id, state: 'REFUND_REQUESTED', refundId: request.id };
  }

  /** Asks delivery to send the order's allocated cards again after every channel failed. */
  @Post(':id/retry-delivery')
  @HttpCode(202)
  @RequireScopes('orders:write')
  async retryDelivery(@Param('id', orderId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parse(RetryDeliveryBody, body, 'body');
    await this.command(id, who, (order, cause) => retryDelivery(order, reason === undefined ? `asked by ${who.name}` : `${who.name}: ${reason}`, cause));
    return { id, state: 'ALLOCATED' };
  }

  /** Runs a staff command on one order under its lock; a state that does not allow it answers 409 with the reason. */
  private async command(id: string, who: Principal, decide: (order: Order, cause: Cause) => OrderChange): Promise<void> {
    await this.unitOfWork.run(async (manager: EntityManager) => {
      const order = await new OrderStore(manager).findById(id);
      if (!order) throw new NotFoundException(`no order ${id}`);
      let change: OrderChange;
      try {
        change = decide(order, { eventId: randomUUID(), at: new Date().toISOString() });
      } catch (error) {
        if (error instanceof RefusedCommand) throw new ConflictException(error.message);
        throw error;
      }
      await this.lifecycle.apply(manager, change, { requestedBy: who.name });
    });
  }
}
