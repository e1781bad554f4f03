import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BuyerErasureRequested, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { ErasureRecord } from '@cardlink/personal-data';
import { eraseDeliveryContacts } from './contact-erasure';

/** Erases one buyer's contacts here when order-processing asks; the inbox makes a redelivered request a no-op. */
@Controller()
export class PrivacyConsumer {
  private readonly logger = new Logger(PrivacyConsumer.name);

  @EventPattern(BuyerErasureRequested.type)
  async onBuyerErasureRequested(@Payload() data: EventData<typeof BuyerErasureRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    // Orders known here by their shop number only (OrderPaid and the request crossed) are found too.
    const byShopNumber = (await manager.query('SELECT order_id FROM buyer_orders WHERE shop_order_id = ANY($1::text[])', [data.shopOrderIds])) as { order_id: string }[];
    const orderIds = [...new Set([...data.orderIds, ...byShopNumber.map((r) => r.order_id)])];
    const erased = await eraseDeliveryContacts(manager, orderIds);
    await manager.getRepository(ErasureRecord).insert({
      id: data.erasureId,
      cause: 'request',
      requestedBy: data.requestedBy,
      reason: null,
      identifierKinds: data.matchKeys.map((k) => k.kind),
      orderIds,
      ordersErased: erased.length,
      erasedAt: new Date(),
    });
    this.logger.log({ erasureId: data.erasureId, orders: erased.length }, 'buyer contacts erased');
  }
}
