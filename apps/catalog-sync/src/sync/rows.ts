import type { EntityManager } from 'typeorm';

/**
 * Raw SQL with typed rows; catalog-sync's queries are plain SQL for their
 * locking and upserts. TypeORM answers UPDATE and DELETE with `[rows, count]`
 * and everything else with the rows; callers always get the rows.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
