import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from './rows';

export type SyncKind = 'listing' | 'stock';

export interface ClaimedTask {
  productId: string;
  kind: SyncKind;
  version: number;
  attempts: number;
}

/**
 * How long a claimed task stays with its worker before another may take it: a
 * killed worker's tasks come back after this. Short, because running a task
 * twice is harmless (a stock call re-sends its pending delta under the same
 * idempotency key, and the later confirmation finds it already recorded), while
 * a long lease leaves the shop's stock unsynced that long after a crash.
 */
const LEASE_SECONDS = 30;

/**
 * The persisted queue of work owed to the shop. Requests are written in the
 * transaction that made them necessary, so a crash or a shop outage loses
 * nothing; rows stay (status `done`) so `version` only ever grows and can
 * take part in idempotency keys.
 */
@Injectable()
export class SyncQueue {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Asks for a sync of the product, in the caller's transaction; several requests before it runs become one. */
  async request(manager: EntityManager, productId: string, kind: SyncKind): Promise<void> {
    await manager.query(
      `INSERT INTO sync_tasks (product_id, kind, version, status, due_at, attempts) VALUES ($1, $2, 1, 'pending', now(), 0)
       ON CONFLICT (product_id, kind) DO UPDATE SET
         version = sync_tasks.version + 1,
         due_at = CASE WHEN sync_tasks.status = 'pending' THEN LEAST(sync_tasks.due_at, now()) ELSE now() END,
         attempts = CASE WHEN sync_tasks.status = 'pending' THEN sync_tasks.attempts ELSE 0 END,
         status = 'pending', updated_at = now()`,
      [productId, kind],
    );
  }

  /** Takes up to `limit` due tasks for this worker. */
  async claim(limit: number): Promise<ClaimedTask[]> {
    const rows = await queryRows<{ product_id: string; kind: SyncKind; version: number; attempts: number }>(
      this.dataSource.manager,
      `UPDATE sync_tasks t SET leased_until = now() + make_interval(secs => $2)
       FROM (SELECT product_id, kind FROM sync_tasks
             WHERE status = 'pending' AND due_at <= now() AND (leased_until IS NULL OR leased_until < now())
             ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
       WHERE t.product_id = due.product_id AND t.kind = due.kind
       RETURNING t.product_id, t.kind, t.version, t.attempts`,
      [limit, LEASE_SECONDS],
    );
    return rows.map((r) => ({ productId: r.product_id, kind: r.kind, version: r.version, attempts: r.attempts }));
  }

  /** Done with what was asked up to `version`; a request that came in meanwhile keeps the task pending. */
  async complete(task: ClaimedTask): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_tasks SET leased_until = NULL, attempts = 0, last_error = NULL,
         status = CASE WHEN version = $3 THEN 'done' ELSE 'pending' END, updated_at = now()
       WHERE product_id = $1 AND kind = $2`,
      [task.productId, task.kind, task.version],
    );
  }

  /** Not yet: run again after `delayMs` (coalescing, waiting for a listing, or a transient shop error). */
  async retryLater(task: ClaimedTask, delayMs: number, error?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_tasks SET leased_until = NULL, due_at = now() + make_interval(secs => $3::double precision / 1000),
         attempts = attempts + $4, last_error = COALESCE($5, last_error), updated_at = now()
       WHERE product_id = $1 AND kind = $2`,
      [task.productId, task.kind, delayMs, error === undefined ? 0 : 1, error ?? null],
    );
  }

  /** The shop refused for good: keep the task as failed with the reason, until a person or the next change acts. */
  async fail(task: ClaimedTask, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_tasks SET leased_until = NULL, status = CASE WHEN version = $3 THEN 'failed' ELSE 'pending' END,
         attempts = attempts + 1, last_error = $4, updated_at = now()
       WHERE product_id = $1 AND kind = $2`,
      [task.productId, task.kind, task.version, error],
    );
  }

  /** Work not yet done, for GET /sync/status. */
  async outstanding(): Promise<{ productId: string; kind: string; status: string; dueAt: string; attempts: number; lastError: string | null }[]> {
    const rows = await queryRows<{ product_id: string; kind: string; status: string; due_at: Date; attempts: number; last_error: string | null }>(
      this.dataSource.manager,
      `SELECT product_id, kind, status, due_at, attempts, last_error FROM sync_tasks WHERE status <> 'done' ORDER BY due_at LIMIT 500`,
    );
    return rows.map((r) => ({ productId: r.product_id, kind: r.kind, status: r.status, dueAt: r.due_at.toISOString(), attempts: r.attempts, lastError: r.last_error }));
  }
}
