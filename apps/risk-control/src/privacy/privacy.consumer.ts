import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BuyerErasureRequested, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { ErasureRecord } from '@cardlink/personal-data';

/**
 * Records a buyer erasure here. risk-control keeps no contact of an order:
 * assessments and reviews hold order ids, amounts and rule ids; velocity
 * counters and burst buyers are keyed by HMACs under RISK_COUNTER_KEY and
 * expire with their windows; list entries set by staff hold match keys and
 * stay (a blocked fraudster's erasure must not lift the block).
 */
@Controller()
export class RiskPrivacyConsumer {
  private readonly logger = new Logger(RiskPrivacyConsumer.name);

  @EventPattern(BuyerErasureRequested.type)
  async onBuyerErasureRequested(@Payload() data: EventData<typeof BuyerErasureRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const listed = (await ctx.getManager().query(
      `SELECT count(*)::int AS n FROM list_entries WHERE removed_at IS NULL AND value = ANY($1::text[])`,
      [data.matchKeys.map((k) => k.key)],
    )) as { n: number }[];
    const entries = listed[0]?.n ?? 0;
    await ctx.getManager().getRepository(ErasureRecord).insert({
      id: data.erasureId,
      cause: 'request',
      requestedBy: data.requestedBy,
      reason: `no contact kept for these orders; ${entries} list entr${entries === 1 ? 'y' : 'ies'} on the buyer's match keys kept`,
      identifierKinds: data.matchKeys.map((k) => k.kind),
      orderIds: data.orderIds,
      ordersErased: 0,
      erasedAt: new Date(),
    });
    this.logger.log({ erasureId: data.erasureId, listEntries: entries }, 'buyer erasure recorded');
  }
}
