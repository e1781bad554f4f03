import { BadRequestException, Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { DeliveryChannel, ProductChanged, type EventData } from '@cardlink/contracts';
import { InboxContext } from '@cardlink/messaging';
import { UnitOfWork } from '@cardlink/platform';
import { queryRows } from '../rows';

const PRODUCT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const ChannelsBody = z.object({
  channels: z.array(DeliveryChannel).min(1, 'at least one channel').nullable().describe('null: back to the default'),
});

/**
 * Which channels a product is delivered through. CardsAllocated does not
 * carry them; the catalog announces them in ProductChanged, and an admin can
 * set them here (whichever came last wins). Without either: the shop, plus
 * email when the buyer gave an address.
 */
@Controller('products')
@RequireScopes('delivery:admin')
export class ProductSettingsController {
  constructor(@Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork) {}

  @Get(':productId/delivery-channels')
  async get(@Param('productId') productId: string) {
    if (!PRODUCT_ID.test(productId)) throw new BadRequestException('a product id is 1-128 letters, digits, dot, colon, underscore or dash');
    const [row] = await this.unitOfWork.run((m) =>
      queryRows<{ channels: string[] | null; source: string; updated_by: string | null; updated_at: Date }>(
        m,
        'SELECT channels, source, updated_by, updated_at FROM product_settings WHERE product_id = $1',
        [productId],
      ),
    );
    if (!row) return { productId, channels: null, default: 'shop, plus email when the buyer gave an address' };
    return { productId, channels: row.channels, source: row.source, updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
  }

  @Put(':productId/delivery-channels')
  async set(@Param('productId') productId: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    if (!PRODUCT_ID.test(productId)) throw new BadRequestException('a product id is 1-128 letters, digits, dot, colon, underscore or dash');
    const parsed = ChannelsBody.safeParse(body);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const channels = parsed.data.channels ? [...new Set(parsed.data.channels)] : null;
    await this.unitOfWork.run((m) =>
      m.query(
        `INSERT INTO product_settings (product_id, channels, source, updated_by) VALUES ($1, $2::jsonb, 'admin', $3)
         ON CONFLICT (product_id) DO UPDATE SET channels = EXCLUDED.channels, source = 'admin', updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [productId, channels === null ? null : JSON.stringify(channels), who.name],
      ),
    );
    return this.get(productId);
  }
}

/** The catalog's word on a product: its title (for messages) and its channels. */
@Controller()
export class ProductChangedConsumer {
  @EventPattern(ProductChanged.type)
  async onProductChanged(@Payload() data: EventData<typeof ProductChanged>, @Ctx() ctx: InboxContext): Promise<void> {
    await ctx.getManager().query(
      `INSERT INTO product_settings (product_id, title, channels, source) VALUES ($1, $2, $3::jsonb, 'catalog')
       ON CONFLICT (product_id) DO UPDATE SET title = EXCLUDED.title, channels = EXCLUDED.channels, source = 'catalog', updated_by = NULL, updated_at = now()`,
      [data.productId, data.title, JSON.stringify([...new Set(data.deliveryChannels)])],
    );
  }
}
