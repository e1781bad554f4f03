import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CardsAllocated, DeliveryRetryRequested, OrderCancelled, OrderPaid, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { retryFailedDeliveriesOfOrder } from './delivery-admin';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DeliveryPlanner } from './delivery-planner';

/**
 * Records deliveries in the inbox transaction. Nothing is sent here: the
 * dispatcher sends after the commit, so a rolled-back event sends nothing.
 */
@Controller()
export class DeliveryEventsConsumer {
  private readonly logger = new Logger(DeliveryEventsConsumer.name);

  constructor(
    @Inject(DeliveryPlanner) private readonly planner: DeliveryPlanner,
    @Inject(DeliveryDispatcher) private readonly dispatcher: DeliveryDispatcher,
  ) {}

  @EventPattern(OrderPaid.type)
  async onOrderPaid(@Payload() data: EventData<typeof OrderPaid>, @Ctx() ctx: InboxContext): Promise<void> {
    if ((await this.planner.recordOrder(ctx.getManager(), data, ctx.getEnvelope().correlationid)) > 0) this.wakeDispatcher(ctx);
  }

  @EventPattern(CardsAllocated.type)
  async onCardsAllocated(@Payload() data: EventData<typeof CardsAllocated>, @Ctx() ctx: InboxContext): Promise<void> {
    const created = await this.planner.recordAllocation(ctx.getManager(), data, ctx.getEnvelope().correlationid);
    this.logger.log({ orderId: data.orderId, deliveries: created }, 'cards allocated');
    if (created > 0) this.wakeDispatcher(ctx);
  }

  /** Staff retried a DELIVERY_FAILED order in order-processing; the inbox makes a redelivered request a no-op. */
  @EventPattern(DeliveryRetryRequested.type)
  async onDeliveryRetryRequested(@Payload() data: EventData<typeof DeliveryRetryRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const queued = await retryFailedDeliveriesOfOrder(ctx.getManager(), data.orderId);
    this.logger.log({ orderId: data.orderId, requestedBy: data.requestedBy, deliveries: queued }, 'delivery retry requested');
    if (queued.length > 0) this.wakeDispatcher(ctx);
  }

  /** The dispatcher reads the new deliveries with its own connection, so only once they committed. */
  private wakeDispatcher(ctx: InboxContext): void {
    ctx.afterCommit(() => this.dispatcher.wakeNow());
  }

  @EventPattern(OrderCancelled.type)
  async onOrderCancelled(@Payload() data: EventData<typeof OrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const cancelled = await this.planner.cancelOrder(ctx.getManager(), data);
    this.logger.log({ orderId: data.orderId, deliveries: cancelled }, 'order cancelled: unsent deliveries cancelled');
  }
}
