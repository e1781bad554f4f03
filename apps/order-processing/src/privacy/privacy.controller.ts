import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { BuyerErasure } from './buyer-erasure';
import { ErasureRequestBody } from './erasure-request';
import { ErasureRecord } from '@cardlink/personal-data';

const erasureId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('erasure id must be a UUID') });

/** Erasure of one buyer's contacts on request (a data subject's right), and its audit record. */
@Controller('privacy/erasures')
export class PrivacyController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(BuyerErasure) private readonly erasure: BuyerErasure,
  ) {}

  /**
   * Erases the buyer's contacts from every order here at once and asks the
   * other services to do the same (BuyerErasureRequested). A buyer with no
   * orders still gets an audit row and the event: other services may know them.
   */
  @Post()
  @HttpCode(202)
  @RequireScopes('privacy:erase')
  async request(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const parsed = ErasureRequestBody.safeParse(body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.join('; '), problems });
    }
    try {
      const outcome = await this.unitOfWork.run((manager) => this.erasure.erase(manager, parsed.data, who.name));
      return { erasureId: outcome.erasureId, ordersErased: outcome.orderIds.length, orderIds: outcome.orderIds };
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get(':id')
  @RequireScopes('privacy:erase')
  async show(@Param('id', erasureId) id: string) {
    const record = await this.dataSource.getRepository(ErasureRecord).findOne({ where: { id } });
    if (!record) throw new NotFoundException(`no erasure ${id}`);
    return {
      erasureId: record.id,
      cause: record.cause,
      requestedBy: record.requestedBy,
      reason: record.reason,
      identifierKinds: record.identifierKinds,
      orderIds: record.orderIds,
      ordersErased: record.ordersErased,
      erasedAt: record.erasedAt.toISOString(),
    };
  }
}
