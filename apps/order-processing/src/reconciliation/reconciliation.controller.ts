import { BadRequestException, Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { parseInput, strictFields } from './http-input';
import { ReconciliationRunner, type RunRow } from './reconciliation-runner';

const DAY_MS = 86_400_000;
/** A run holds its range in memory while comparing; a month of orders is the most it takes at once. */
const MAX_RANGE_DAYS = 31;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'expected an ISO 8601 date or time, e.g. 2026-11-27 or 2026-11-27T08:00:00Z' });

const RunBody = z
  .strictObject({ from: instant, to: instant }, strictFields)
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { path: ['to'], message: 'must be after from' })
  .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= MAX_RANGE_DAYS * DAY_MS, { path: ['to'], message: `a run covers at most ${MAX_RANGE_DAYS} days` })
  .refine((b) => Date.parse(b.to) <= Date.now(), { path: ['to'], message: 'must not be in the future: the shop and the provider cannot report it yet' });

const ListQuery = z.strictObject(
  {
    status: z.enum(['running', 'interrupted', 'completed'], { message: 'expected running, interrupted or completed' }).optional(),
    page: z.coerce.number({ message: 'expected a page number' }).int('expected a whole page number').min(1, 'pages start at 1').default(1),
    pageSize: z.coerce.number({ message: 'expected a page size' }).int('expected a whole page size').min(1, 'at least 1').max(200, 'at most 200').default(50),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s) ${issue.keys.join(', ')}; expected status, page, pageSize` : undefined) },
);

interface FindingRow {
  id: string;
  kind: string;
  shop_order_id: string;
  order_id: string | null;
  description: string;
  detail: Record<string, unknown>;
  found_at: Date;
  resolved_at: Date | null;
}

const runId = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('run id must be a UUID') });

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function runView(run: RunRow) {
  return {
    id: run.id,
    from: run.range_from.toISOString(),
    to: run.range_to.toISOString(),
    status: run.status,
    phase: run.phase,
    pass: run.pass,
    progress: { shopPages: run.shop_page, providerDay: run.provider_day },
    attempts: run.attempts,
    lastError: run.last_error,
    requestedBy: run.requested_by,
    findingCount: run.finding_count,
    createdAt: run.created_at.toISOString(),
    completedAt: run.completed_at?.toISOString() ?? null,
  };
}

/** Reconciliation runs on demand and their findings (the daily run is started by the runner itself). */
@Controller('reconciliation/runs')
export class ReconciliationController {
  constructor(
    @Inject(ReconciliationRunner) private readonly runner: ReconciliationRunner,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** 202 with the run for the range: new, the unfinished one (it continues), or the completed one starting its next pass. */
  @Post()
  @HttpCode(202)
  @RequireScopes('reconciliation:run')
  async start(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const { from, to } = parseInput(RunBody, body, 'body');
    const { run, created } = await this.runner.request(new Date(from), new Date(to), who.name);
    return { ...runView(run), created };
  }

  /** Runs, the latest range first (the daily ones included), so a run can be found without its id. */
  @Get()
  @RequireScopes('reconciliation:read')
  async list(@Query() query: Record<string, unknown>) {
    const { status, page, pageSize } = parseInput(ListQuery, query, 'query');
    const where = status === undefined ? '' : 'WHERE status = $3';
    const params: unknown[] = [pageSize, (page - 1) * pageSize, ...(status === undefined ? [] : [status])];
    const runs = (await this.dataSource.query(`SELECT * FROM reconciliation_runs ${where} ORDER BY range_to DESC, range_from DESC LIMIT $1 OFFSET $2`, params)) as RunRow[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM reconciliation_runs ${status === undefined ? '' : 'WHERE status = $1'}`, status === undefined ? [] : [status])) as [
      { total: number },
    ];
    return { items: runs.map(runView), page, pageSize, total };
  }

  @Get(':id')
  @RequireScopes('reconciliation:read')
  async get(@Param('id', runId) id: string) {
    const run = await this.runOrFail(id);
    const findings = await this.findings(id);
    return {
      ...runView(run),
      findings: findings.map((f) => ({
        id: Number(f.id),
        kind: f.kind,
        shopOrderId: f.shop_order_id,
        orderId: f.order_id,
        description: f.description,
        detail: f.detail,
        foundAt: f.found_at.toISOString(),
        resolvedAt: f.resolved_at?.toISOString() ?? null,
      })),
    };
  }

  @Get(':id/findings.csv')
  @RequireScopes('reconciliation:read')
  @Header('content-type', 'text/csv; charset=utf-8')
  async csv(@Param('id', runId) id: string): Promise<string> {
    await this.runOrFail(id);
    const rows = (await this.findings(id)).map((f) =>
      [f.kind, f.shop_order_id, f.order_id ?? '', f.description, f.found_at.toISOString(), f.resolved_at?.toISOString() ?? ''].map(csvField).join(','),
    );
    return ['kind,shop_order_id,order_id,description,found_at,resolved_at', ...rows].join('\n') + '\n';
  }

  private async runOrFail(id: string): Promise<RunRow> {
    const run = await this.runner.find(id);
    if (!run) throw new NotFoundException(`no reconciliation run ${id}`);
    return run;
  }

  private async findings(id: string): Promise<FindingRow[]> {
    return (await this.dataSource.query(`SELECT * FROM reconciliation_findings WHERE run_id = $1 ORDER BY kind, shop_order_id`, [id])) as FindingRow[];
  }
}
