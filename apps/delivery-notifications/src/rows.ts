import type { EntityManager } from 'typeorm';

/**
 * The rows a statement returned. TypeORM's manager.query returns rows for some
 * commands and [rows, count] for UPDATE/DELETE; the structured result is the
 * same for all.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('queryRows needs the manager of a transaction');
  const result = await runner.query(sql, params, true);
  return result.records as T[];
}
