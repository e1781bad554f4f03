import {
  BadRequestException,
  Controller,
  HttpCode,
  Inject,
  Logger,
  Param,
  Post,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request } from 'express';
import { Id } from '@cardlink/contracts';
import { RequireScopes } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { BackorderService } from '../backorders/backorder.service';
import { linesOf } from './card-lines';
import { CardImportService, type ImportReport } from './card-import.service';

const ACCEPTED_TYPES = ['text/plain', 'text/csv'];

/** Merchants upload cards here: one card per line, streamed straight into one transaction. */
@Controller()
export class CardImportController {
  private readonly logger = new Logger(CardImportController.name);

  constructor(
    @Inject(CardImportService) private readonly imports: CardImportService,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(BackorderService) private readonly backorders: Pick<BackorderService, 'nudge'>,
  ) {}

  @Post('products/:productId/cards/import')
  @HttpCode(201)
  @RequireScopes('inventory:import')
  async importCards(@Param('productId') productId: string, @Req() request: Request): Promise<ImportReport> {
    if (!Id.safeParse(productId).success) throw new BadRequestException('productId must be 1 to 128 characters');
    if (!request.is(ACCEPTED_TYPES)) {
      throw new UnsupportedMediaTypeException(`send the cards as ${ACCEPTED_TYPES.join(' or ')}, one card per line`);
    }
    const report = await this.unitOfWork.run(async (manager) => {
      const result = await this.imports.importCards(manager, productId, linesOf(request));
      // A client that disconnects mid-upload ends the line stream early; its partial upload must not commit.
      if (!request.complete) throw new BadRequestException('the upload ended before it was complete; nothing was imported');
      return result;
    });
    // Counts only: card secrets never reach a log line.
    this.logger.log({ productId, batchId: report.batchId, accepted: report.accepted, duplicates: report.duplicates, invalid: report.invalid }, 'cards imported');
    // Orders waiting for this product get the new cards without anyone asking.
    if (report.accepted > 0) this.backorders.nudge();
    return report;
  }
}
