import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { OrderPaid, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { RiskAssessor } from './risk-assessor';

/** Assesses every paid order, in the inbox's transaction. */
@Controller()
export class OrderPaidConsumer {
  private readonly logger = new Logger(OrderPaidConsumer.name);

  constructor(@Inject(RiskAssessor) private readonly assessor: RiskAssessor) {}

  @EventPattern(OrderPaid.type)
  async onOrderPaid(@Payload() data: EventData<typeof OrderPaid>, @Ctx() ctx: InboxContext): Promise<void> {
    const outcome = await this.assessor.assess(ctx.getManager(), data, ctx.getEnvelope());
    const { failure, ...summary } = outcome;
    if (failure !== undefined) {
      this.logger.error({ ...summary, error: failure instanceof Error ? failure.message : String(failure) }, 'order could not be evaluated; held for review');
    } else {
      this.logger.log(summary, 'order assessed');
    }
  }
}
