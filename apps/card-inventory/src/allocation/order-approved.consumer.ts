import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OrderApproved, type EventData } from '@cardlink/contracts';
import { InboxContext, PermanentEventError } from '@cardlink/messaging';
import { AllocationService } from './allocation.service';
import { orderLinesProblem } from './order-lines';

/** Allocates cards when order-processing approves an order. */
@Controller()
export class OrderApprovedConsumer {
  private readonly logger = new Logger(OrderApprovedConsumer.name);

  constructor(@Inject(AllocationService) private readonly allocation: AllocationService) {}

  @EventPattern(OrderApproved.type)
  async onOrderApproved(@Payload() data: EventData<typeof OrderApproved>, @Ctx() ctx: InboxContext): Promise<void> {
    const problem = orderLinesProblem(data.lines);
    if (problem) throw new PermanentEventError(`order ${data.orderId}: ${problem}`);
    const outcome = await this.allocation.allocate(ctx.getManager(), data, ctx.getEnvelope());
    this.logger.log({ orderId: data.orderId, status: outcome.status, replayed: outcome.replayed }, 'order allocation');
  }
}
