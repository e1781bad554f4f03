import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OrderCancelled, RefundRequested, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { AllocationService } from '../allocation/allocation.service';

/** A cancelled or refunded order stops waiting for cards (see AllocationService.cancel). */
@Controller()
export class OrderCancelledConsumer {
  private readonly logger = new Logger(OrderCancelledConsumer.name);

  constructor(@Inject(AllocationService) private readonly allocation: AllocationService) {}

  @EventPattern(OrderCancelled.type)
  async onOrderCancelled(@Payload() data: EventData<typeof OrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const outcome = await this.allocation.cancel(ctx.getManager(), data.orderId, `cancelled: ${data.reason}`);
    this.logger.log({ orderId: data.orderId, outcome }, 'order cancelled');
  }

  @EventPattern(RefundRequested.type)
  async onRefundRequested(@Payload() data: EventData<typeof RefundRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const outcome = await this.allocation.cancel(ctx.getManager(), data.orderId, `refund requested: ${data.reason}`);
    this.logger.log({ orderId: data.orderId, outcome }, 'order refund requested');
  }
}
