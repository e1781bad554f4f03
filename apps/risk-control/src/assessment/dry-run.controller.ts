import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { OrderPaid } from '@cardlink/contracts';
import { RequireScopes } from '@cardlink/auth';
import { DataSource } from 'typeorm';
import { parseRequest } from '../http/validation';
import { ListStore } from '../lists/list-store';
import { RuleSetStore } from '../rule-sets/rule-set-store';
import { assessOrder } from './assess-order';
import { paidOrderFacts } from './counter-book';
import { RiskCounters } from './risk-counters';
import { buildRuleSet, RuleSetDefinition } from './rule-set-definition';

const DryRunBody = z.object({
  order: OrderPaid.schema,
  /** a draft rule set; without one, the active rule set is used */
  ruleSet: z.unknown().optional(),
});

/**
 * Evaluates an order against a draft rule set without effect: the real
 * counting path runs in a transaction that is always rolled back, so the
 * answer is what the service would decide now, and nothing is counted,
 * stored or published.
 */
@Controller('dry-run')
@RequireScopes('risk:admin')
export class DryRunController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RiskCounters) private readonly counters: RiskCounters,
    @Inject(ListStore) private readonly lists: ListStore,
    @Inject(RuleSetStore) private readonly ruleSets: RuleSetStore,
  ) {}

  @Post()
  @HttpCode(200)
  async dryRun(@Body() body: unknown) {
    const { order, ruleSet: draft } = parseRequest(DryRunBody, body);
    const definition =
      draft === undefined
        ? undefined
        : parseRequest(RuleSetDefinition, { version: 0, ...(typeof draft === 'object' && draft !== null ? draft : {}) });
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const now = new Date();
      const ruleSet = definition ? buildRuleSet(definition) : await this.ruleSets.active(runner.manager, now.getTime());
      const facts = paidOrderFacts(order);
      const features = await this.counters.observe(runner.manager, facts);
      const entries = await this.lists.entriesFor(runner.manager, facts);
      const assessment = assessOrder(features, ruleSet, entries, now);
      return { ...assessment, draft: definition !== undefined, effect: 'none: nothing was counted, stored or published' };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
