import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ShopProductUpdated, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { DriftService } from './drift.service';

/** A merchant (or the shop) changed a listing in the shop's back office. */
@Controller()
export class ShopProductConsumer {
  constructor(@Inject(DriftService) private readonly drift: DriftService) {}

  @EventPattern(ShopProductUpdated.type)
  async onShopProductUpdated(@Payload() data: EventData<typeof ShopProductUpdated>, @Ctx() ctx: InboxContext): Promise<void> {
    const { title, price, currency, stock, status } = data.changes;
    await this.drift.onShopChange(
      ctx.getManager(),
      data.shopListingId,
      {
        ...(title === undefined ? {} : { title }),
        ...(price === undefined ? {} : { price: { amount: price, ...(currency === undefined ? {} : { currency }) } }),
        ...(status === undefined ? {} : { status }),
        ...(stock === undefined ? {} : { stock }),
      },
      ctx.getEnvelope(),
    );
  }
}
