import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { VoidService } from '../after-sale/void.service';
import { BackorderService } from '../backorders/backorder.service';
import { CardListQuery, parseRequest, PoolSettings, productIdParam, Reason, uuidParam } from './admin-requests';
import { InventoryAdminService } from './inventory-admin.service';

/** The staff API: each route names the one scope it needs. */
@Controller()
export class InventoryAdminController {
  private readonly logger = new Logger(InventoryAdminController.name);

  constructor(
    @Inject(InventoryAdminService) private readonly admin: InventoryAdminService,
    @Inject(VoidService) private readonly voids: VoidService,
    @Inject(BackorderService) private readonly backorders: BackorderService,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
  ) {}

  @Get('pools')
  @RequireScopes('inventory:read')
  pools() {
    return this.unitOfWork.run((m) => this.admin.pools(m));
  }

  @Put('products/:productId/pool')
  @RequireScopes('inventory:import')
  async configurePool(@Param('productId') productId: string, @Body() body: unknown) {
    const settings = parseRequest(PoolSettings, body, 'pool settings');
    const pool = await this.unitOfWork.run((m) => this.admin.configurePool(m, productIdParam(productId), settings));
    // A new cap or mode can make waiting orders fulfillable.
    this.backorders.nudge();
    return pool;
  }

  @Get('products/:productId/batches')
  @RequireScopes('inventory:read')
  batches(@Param('productId') productId: string) {
    return this.unitOfWork.run((m) => this.admin.batches(m, productIdParam(productId)));
  }

  @Get('products/:productId/cards')
  @RequireScopes('inventory:read')
  cards(@Param('productId') productId: string, @Query() query: unknown) {
    const parsed = parseRequest(CardListQuery, query, 'query');
    return this.unitOfWork.run((m) => this.admin.cards(m, productIdParam(productId), parsed));
  }

  @Get('backorders')
  @RequireScopes('inventory:read')
  waiting() {
    return this.unitOfWork.run((m) => this.admin.backorders(m));
  }

  @Get('orders/:orderId/allocation')
  @RequireScopes('inventory:read')
  order(@Param('orderId') orderId: string) {
    return this.unitOfWork.run((m) => this.admin.order(m, orderId));
  }

  @Post('cards/:cardId/void')
  @HttpCode(200)
  @RequireScopes('inventory:void')
  async voidCard(@Param('cardId') cardId: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parseRequest(Reason, body, 'void');
    const result = await this.unitOfWork.run((m) => this.voids.voidCard(m, uuidParam(cardId, 'cardId'), reason, who.name));
    this.logger.log({ cardId, by: who.name, replacements: result.replacements.map((r) => r.status) }, 'card voided');
    return result;
  }

  @Post('batches/:batchId/void')
  @HttpCode(200)
  @RequireScopes('inventory:void')
  async voidBatch(@Param('batchId') batchId: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { reason } = parseRequest(Reason, body, 'void');
    const result = await this.unitOfWork.run((m) => this.voids.voidBatch(m, uuidParam(batchId, 'batchId'), `${reason} (by ${who.name})`));
    this.logger.log({ batchId, by: who.name, voidedCards: result.voidedCards }, 'batch voided');
    return result;
  }

  /** POST, not GET: every reveal writes an audit row, and no cache or prefetch may trigger one. */
  @Post('cards/:cardId/reveal')
  @HttpCode(200)
  @RequireScopes('inventory:reveal')
  async reveal(@Param('cardId') cardId: string, @Body() body: unknown, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) res: Response) {
    const { reason } = parseRequest(Reason, body, 'reveal');
    res.setHeader('Cache-Control', 'no-store');
    const revealed = await this.unitOfWork.run((m) => this.admin.reveal(m, uuidParam(cardId, 'cardId'), who.name, reason));
    this.logger.log({ cardId, by: who.name }, 'card revealed to staff');
    return revealed;
  }

  @Get('cards/:cardId/reveals')
  @RequireScopes('inventory:read')
  reveals(@Param('cardId') cardId: string) {
    return this.unitOfWork.run((m) => this.admin.reveals(m, uuidParam(cardId, 'cardId')));
  }
}
