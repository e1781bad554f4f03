import type { EntityManager } from 'typeorm';
import { buildRuleSet, RuleSetDefinition } from '../assessment/rule-set-definition';
import type { RuleSet } from '../assessment/risk-rule';

export interface StoredRuleSet {
  readonly version: number;
  readonly definition: RuleSetDefinition;
  readonly createdBy: string;
  readonly reason: string;
  readonly createdAt: string;
}

interface RuleSetRow {
  version: number;
  definition: unknown;
  created_by: string;
  reason: string;
  created_at: Date;
}

/** Another change took the next version number first. */
export class RuleSetVersionTaken extends Error {}

/**
 * Rule set versions: each change is a new row, the highest version is active,
 * and assessments name the version they used. The active rule set is cached
 * for `refreshMs`; a change made through this store applies at once.
 */
export class RuleSetStore {
  private cached: { ruleSet: RuleSet; loadedAt: number } | undefined;

  constructor(private readonly refreshMs: number) {}

  /** The rule set to assess with. Throws when none is stored or the stored one is invalid: the caller fails safe. */
  async active(manager: EntityManager, now = Date.now()): Promise<RuleSet> {
    if (this.cached && now - this.cached.loadedAt < this.refreshMs) return this.cached.ruleSet;
    const stored = await this.latest(manager);
    if (!stored) throw new Error('no rule set is stored');
    const ruleSet = buildRuleSet(stored.definition);
    this.cached = { ruleSet, loadedAt: now };
    return ruleSet;
  }

  async latest(manager: EntityManager): Promise<StoredRuleSet | undefined> {
    const rows = (await manager.query(
      'SELECT version, definition, created_by, reason, created_at FROM rule_sets ORDER BY version DESC LIMIT 1',
    )) as RuleSetRow[];
    return rows[0] && toStored(rows[0]);
  }

  async get(manager: EntityManager, version: number): Promise<StoredRuleSet | undefined> {
    const rows = (await manager.query(
      'SELECT version, definition, created_by, reason, created_at FROM rule_sets WHERE version = $1',
      [version],
    )) as RuleSetRow[];
    return rows[0] && toStored(rows[0]);
  }

  async history(manager: EntityManager): Promise<Omit<StoredRuleSet, 'definition'>[]> {
    const rows = (await manager.query(
      'SELECT version, created_by, reason, created_at FROM rule_sets ORDER BY version DESC',
    )) as Omit<RuleSetRow, 'definition'>[];
    return rows.map((row) => ({ version: row.version, createdBy: row.created_by, reason: row.reason, createdAt: row.created_at.toISOString() }));
  }

  /** Saves the definition as the next version (its own version field is replaced) and makes it active. */
  async publish(
    manager: EntityManager,
    draft: Omit<RuleSetDefinition, 'version'>,
    by: string,
    reason: string,
  ): Promise<StoredRuleSet> {
    const latest = await this.latest(manager);
    const definition = RuleSetDefinition.parse({ ...draft, version: (latest?.version ?? 0) + 1 });
    const inserted = (await manager.query(
      `INSERT INTO rule_sets (version, definition, created_by, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (version) DO NOTHING RETURNING version, definition, created_by, reason, created_at`,
      [definition.version, JSON.stringify(definition), by, reason],
    )) as RuleSetRow[];
    if (!inserted[0]) throw new RuleSetVersionTaken(`version ${definition.version} was saved by another change just now`);
    this.cached = undefined;
    return toStored(inserted[0]);
  }

  /** Forgets the cached rule set once the transaction that changed it committed. */
  invalidate(): void {
    this.cached = undefined;
  }
}

function toStored(row: RuleSetRow): StoredRuleSet {
  return {
    version: row.version,
    definition: RuleSetDefinition.parse(row.definition),
    createdBy: row.created_by,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
  };
}
