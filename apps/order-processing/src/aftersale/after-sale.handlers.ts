import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CardReported, CardVoided, ShopOrderDisputed, type EventData } from '@cardlink/contracts';
import type { InboxContext } from '@cardlink/messaging';
import { AfterSaleService } from './after-sale.service';

/** Where cases come from (the pickup page, the shop) and card-inventory's answer to a replacement. */
@Controller()
export class AfterSaleEventHandlers {
  constructor(@Inject(AfterSaleService) private readonly cases: AfterSaleService) {}

  @EventPattern(CardReported.type)
  async onCardReported(@Payload() data: EventData<typeof CardReported>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.cases.report(ctx.getManager(), data, ctx.getEnvelope());
  }

  @EventPattern(ShopOrderDisputed.type)
  async onShopOrderDisputed(@Payload() data: EventData<typeof ShopOrderDisputed>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.cases.dispute(ctx.getManager(), data, ctx.getEnvelope());
  }

  @EventPattern(CardVoided.type)
  async onCardVoided(@Payload() data: EventData<typeof CardVoided>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.cases.cardVoided(ctx.getManager(), data, ctx.getEnvelope());
  }
}
