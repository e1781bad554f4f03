import { BadRequestException, Body, ConflictException, Controller, Get, Inject, NotFoundException, Param, ParseIntPipe, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cardlink/auth';
import { UnitOfWork } from '@cardlink/platform';
import { DataSource } from 'typeorm';
import { RuleSetDefinition } from '../assessment/rule-set-definition';
import { parseRequest } from '../http/validation';
import { RuleSetStore, RuleSetVersionTaken, StoredRuleSet } from './rule-set-store';

const Reason = z.string().trim().min(1, 'say why the rules change').max(300);

/** A new version: the whole rule set as data (its version is assigned). */
const NewRuleSet = z.object({
  currency: z.unknown(),
  thresholds: z.unknown(),
  watchWeight: z.unknown(),
  rules: z.unknown(),
  reason: Reason,
  /** when given, the change is refused if another version was published since (optimistic concurrency) */
  basedOnVersion: z.number().int().nonnegative().optional(),
});

const NewThresholds = z.object({
  review: z.number().finite(),
  reject: z.number().finite(),
  watchWeight: z.number().finite().optional(),
  reason: Reason,
  basedOnVersion: z.number().int().nonnegative().optional(),
});

const version = new ParseIntPipe({ exceptionFactory: () => new BadRequestException('version must be a whole number') });

/** Rules and thresholds: every change is a new version; assessments record the one they used. */
@Controller('rule-sets')
@RequireScopes('risk:admin')
export class RuleSetsController {
  constructor(
    @Inject(RuleSetStore) private readonly ruleSets: RuleSetStore,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get()
  async history() {
    return { items: await this.ruleSets.history(this.dataSource.manager) };
  }

  @Get('active')
  async active(): Promise<StoredRuleSet> {
    const latest = await this.ruleSets.latest(this.dataSource.manager);
    if (!latest) throw new NotFoundException('no rule set is stored');
    return latest;
  }

  @Get(':version')
  async get(@Param('version', version) wanted: number): Promise<StoredRuleSet> {
    const found = await this.ruleSets.get(this.dataSource.manager, wanted);
    if (!found) throw new NotFoundException(`no rule set version ${wanted}`);
    return found;
  }

  @Post()
  async publish(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<StoredRuleSet> {
    const { reason, basedOnVersion, ...draft } = parseRequest(NewRuleSet, body);
    const definition = parseRequest(RuleSetDefinition, { ...draft, version: 0 });
    return this.save(who, reason, basedOnVersion, () => definition);
  }

  /** Changes thresholds (and the watch weight) only; the rules are carried over into the new version. */
  @Post('thresholds')
  async thresholds(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<StoredRuleSet> {
    const { reason, basedOnVersion, review, reject, watchWeight } = parseRequest(NewThresholds, body);
    return this.save(who, reason, basedOnVersion, (current) => {
      if (!current) throw new NotFoundException('no rule set is stored to change the thresholds of');
      return parseRequest(RuleSetDefinition, {
        ...current.definition,
        thresholds: { review, reject },
        watchWeight: watchWeight ?? current.definition.watchWeight,
      });
    });
  }

  private async save(
    who: Principal,
    reason: string,
    basedOnVersion: number | undefined,
    next: (current: StoredRuleSet | undefined) => RuleSetDefinition,
  ): Promise<StoredRuleSet> {
    try {
      const saved = await this.unitOfWork.run(async (manager) => {
        const current = await this.ruleSets.latest(manager);
        if (basedOnVersion !== undefined && current?.version !== basedOnVersion) {
          throw new ConflictException(`the active rule set is version ${current?.version ?? 'none'}, not ${basedOnVersion}; review it and retry`);
        }
        return this.ruleSets.publish(manager, next(current), who.name, reason);
      });
      return saved;
    } catch (error) {
      if (error instanceof RuleSetVersionTaken) throw new ConflictException(`${error.message}; review the active rule set and retry`);
      throw error;
    } finally {
      this.ruleSets.invalidate();
    }
  }
}
