import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { RequireScopes } from '@cardlink/auth';
import { parseInput } from '../http-input';
import { SyncQueue } from '../sync/sync-queue';
import { SyncWorker } from '../sync/sync-worker';
import type { RecordedDrift } from './drift-log';
import { DriftService, type ReconciliationReport } from './drift.service';

const DriftQuery = z.strictObject({
  productId: z.string().min(1).max(128).optional(),
  action: z.enum(['reverted', 'accepted', 'reported', 'lowered', 'raised', 'linked']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Differences between the shop and the catalog, reconciliation on demand, and the work still owed to the shop. */
@Controller('sync')
export class SyncController {
  constructor(
    @Inject(DriftService) private readonly drift: DriftService,
    @Inject(SyncQueue) private readonly queue: SyncQueue,
    @Inject(SyncWorker) private readonly worker: SyncWorker,
  ) {}

  @Get('drift')
  @RequireScopes('catalog:read')
  async listDrift(@Query() query: unknown): Promise<{ items: RecordedDrift[] }> {
    return { items: await this.drift.drift(parseInput(DriftQuery, query, 'query')) };
  }

  @Get('status')
  @RequireScopes('catalog:read')
  async status(): Promise<{ outstanding: Awaited<ReturnType<SyncQueue['outstanding']>> }> {
    return { outstanding: await this.queue.outstanding() };
  }

  @Post('reconcile')
  @HttpCode(200)
  @RequireScopes('catalog:write')
  async reconcile(): Promise<ReconciliationReport> {
    const report = await this.drift.reconcile();
    this.worker.nudge();
    return report;
  }
}
