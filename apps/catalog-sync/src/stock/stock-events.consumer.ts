import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import {
  CardsAllocated,
  OrderApproved,
  OrderCancelled,
  RefundRequested,
  ShopOrderCancelled,
  ShopOrderCreated,
  ShopOrderPaid,
  StockChanged,
  StockLow,
  type EventData,
} from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { queryRows } from '../sync/rows';
import { ShopSync } from '../sync/shop-sync';
import { SyncQueue } from '../sync/sync-queue';

/**
 * Everything that moves what the shop may sell: counts from card-inventory,
 * sales the shop reports, and what becomes of those orders. Each handler only
 * updates the stock inputs and asks for a stock sync; the worker coalesces.
 */
@Controller()
export class StockEventsConsumer {
  constructor(
    @Inject(ShopSync) private readonly sync: ShopSync,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
  ) {}

  @EventPattern(StockChanged.type)
  async onStockChanged(@Payload() data: EventData<typeof StockChanged>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    await this.sync.ledger(manager).recordCount(data);
    await this.requestStockSync(manager, [data.productId]);
  }

  @EventPattern(StockLow.type)
  async onStockLow(@Payload() data: EventData<typeof StockLow>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.sync.ledger(ctx.getManager()).recordLow(data);
  }

  @EventPattern(ShopOrderCreated.type)
  async onShopOrderCreated(@Payload() data: EventData<typeof ShopOrderCreated>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onSale(ctx.getManager(), data.order);
  }

  @EventPattern(ShopOrderPaid.type)
  async onShopOrderPaid(@Payload() data: EventData<typeof ShopOrderPaid>, @Ctx() ctx: InboxContext): Promise<void> {
    await this.onSale(ctx.getManager(), data.order);
  }

  @EventPattern(OrderApproved.type)
  async onOrderApproved(@Payload() data: EventData<typeof OrderApproved>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    await this.requestStockSync(manager, await this.sync.ledger(manager).linkOrder(data.shopOrderId, data.orderId));
  }

  @EventPattern(CardsAllocated.type)
  async onCardsAllocated(@Payload() data: EventData<typeof CardsAllocated>, @Ctx() ctx: InboxContext): Promise<void> {
    // A replacement for a voided card was never a shop sale. The allocation changes nothing the shop may sell until a count names it.
    if (data.replacesCardId !== undefined) return;
    await this.sync.ledger(ctx.getManager()).recordAllocation(data.orderId, data.allocatedAt);
  }

  @EventPattern(ShopOrderCancelled.type)
  async onShopOrderCancelled(@Payload() data: EventData<typeof ShopOrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    await this.requestStockSync(manager, await this.sync.ledger(manager).withdraw({ shopOrderId: data.shopOrderId }));
  }

  @EventPattern(RefundRequested.type)
  async onRefundRequested(@Payload() data: EventData<typeof RefundRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    await this.requestStockSync(manager, await this.sync.ledger(manager).withdraw({ shopOrderId: data.shopOrderId }));
  }

  @EventPattern(OrderCancelled.type)
  async onOrderCancelled(@Payload() data: EventData<typeof OrderCancelled>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    await this.requestStockSync(manager, await this.sync.ledger(manager).withdraw({ orderId: data.orderId }));
  }

  private async onSale(manager: EntityManager, order: EventData<typeof ShopOrderCreated>['order']): Promise<void> {
    const affected = await this.sync.ledger(manager).recordSale(order.shopOrderId, order.lines);
    await this.requestStockSync(manager, affected);
  }

  /** Only listed products: counts for products the catalog does not sell change nothing on the shop. */
  private async requestStockSync(manager: EntityManager, productIds: readonly string[]): Promise<void> {
    if (productIds.length === 0) return;
    const listed = await queryRows<{ product_id: string }>(manager, 'SELECT product_id FROM shop_listings WHERE product_id = ANY($1) AND listing_id IS NOT NULL', [
      [...new Set(productIds)],
    ]);
    for (const row of listed) await this.queue.request(manager, row.product_id, 'stock');
  }
}
