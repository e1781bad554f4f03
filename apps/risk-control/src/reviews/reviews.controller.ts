import { BadRequestException, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Body } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { DataSource } from 'typeorm';
import { parseRequest } from '../http/validation';
import { FinalDecision, REVIEW_STATUSES, ReviewAlreadyDecided, ReviewNotFound, ReviewQueue } from './review-queue';

const ListQuery = z.object({
  status: z.enum(REVIEW_STATUSES, { message: `status is one of ${REVIEW_STATUSES.join(', ')}` }).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const DecisionBody = z.object({ note: z.string().trim().max(300).optional() }).default({});

const reviewId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('review id must be a UUID') });

/** The review queue: orders the engine held, and the people who decide them. */
@Controller('reviews')
@RequireScopes('risk:review')
export class ReviewsController {
  constructor(
    @Inject(ReviewQueue) private readonly reviews: ReviewQueue,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const { status, limit } = parseRequest(ListQuery, query, 'query');
    return { items: await this.reviews.list(this.dataSource.manager, status, limit) };
  }

  @Get(':id')
  async get(@Param('id', reviewId) id: string) {
    const found = await this.reviews.get(this.dataSource.manager, id);
    if (!found) throw new NotFoundException(`no review ${id}`);
    return found;
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@Param('id', reviewId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    return this.decide(id, 'approve', body, who);
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@Param('id', reviewId) id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal) {
    return this.decide(id, 'reject', body, who);
  }

  private async decide(id: string, decision: FinalDecision, body: unknown, who: Principal) {
    const { note } = parseRequest(DecisionBody, body ?? {});
    try {
      return await this.unitOfWork.run((manager) =>
        this.reviews.decide(manager, id, decision, { kind: 'reviewer', name: who.name }, note ?? null, new Date()),
      );
    } catch (error) {
      if (error instanceof ReviewNotFound) throw new NotFoundException(error.message);
      if (error instanceof ReviewAlreadyDecided) throw new ConflictException(error.message);
      throw error;
    }
  }
}
