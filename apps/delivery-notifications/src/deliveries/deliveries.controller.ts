import { BadRequestException, ConflictException, Controller, Get, HttpCode, Inject, Logger, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { DeliveryChannel } from '@cardlink/contracts';
import { findDelivery, listDeliveries, retryDelivery } from './delivery-admin';
import { DeliveryDispatcher } from './delivery-dispatcher';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ListQuery = z.object({
  orderId: z.string().min(1).max(128).optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'withheld', 'cancelled']).optional(),
  channel: DeliveryChannel.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Deliveries for staff: what went where, what failed and why, and a retry. Contacts are masked. */
@Controller('deliveries')
@RequireScopes('delivery:admin')
export class DeliveriesController {
  private readonly logger = new Logger(DeliveriesController.name);

  constructor(
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(DeliveryDispatcher) private readonly dispatcher: DeliveryDispatcher,
  ) {}

  @Get()
  async list(@Query() query: Record<string, string>) {
    const parsed = ListQuery.safeParse(query);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    return { items: await this.unitOfWork.run((m) => listDeliveries(m, parsed.data)) };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    if (!UUID.test(id)) throw new BadRequestException('a delivery id is a UUID');
    const delivery = await this.unitOfWork.run((m) => findDelivery(m, id));
    if (!delivery) throw new NotFoundException(`no delivery ${id}`);
    return delivery;
  }

  @Post(':id/retry')
  @HttpCode(202)
  async retry(@Param('id') id: string, @CurrentPrincipal() who: Principal) {
    if (!UUID.test(id)) throw new BadRequestException('a delivery id is a UUID');
    const outcome = await this.unitOfWork.run((m) => retryDelivery(m, id));
    if (outcome === 'not_found') throw new NotFoundException(`no delivery ${id}`);
    if (outcome === 'not_failed') throw new ConflictException(`delivery ${id} has not failed; only a failed delivery can be retried`);
    this.logger.log({ deliveryId: id, by: who.name }, 'delivery retry requested');
    this.dispatcher.wakeNow();
    return { id, status: 'pending' };
  }
}
