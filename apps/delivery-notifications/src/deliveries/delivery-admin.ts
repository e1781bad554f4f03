import type { EntityManager } from 'typeorm';
import { currentTraceHeaders } from '@cardlink/messaging';
import { maskEmail, maskPhone } from '@cardlink/observability';
import { queryRows } from '../rows';
import { openContact } from '../privacy/buyer-contacts';

export interface DeliveryView {
  id: string;
  orderId: string;
  shopOrderId: string | null;
  lineId: string;
  productId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  permanent: boolean;
  /** Masked: staff see where it went, not the whole address. */
  recipient: string | null;
  allocatedAt: string;
  completedAt: string | null;
}

interface DeliveryRow {
  id: string;
  order_id: string;
  shop_order_id: string | null;
  line_id: string;
  product_id: string;
  channel: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  permanent: boolean;
  email: string | null;
  phone: string | null;
  allocated_at: Date;
  completed_at: Date | null;
}

function view(row: DeliveryRow): DeliveryView {
  const email = openContact('email', row.email);
  const phone = openContact('phone', row.phone);
  const recipient = row.channel === 'email' ? (email ? maskEmail(email) : null) : row.channel === 'sms' ? (phone ? maskPhone(phone) : null) : null;
  return {
    id: row.id,
    orderId: row.order_id,
    shopOrderId: row.shop_order_id,
    lineId: row.line_id,
    productId: row.product_id,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    lastError: row.last_error,
    permanent: row.permanent,
    recipient,
    allocatedAt: row.allocated_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

const SELECT = `SELECT d.*, o.shop_order_id, o.email, o.phone FROM deliveries d LEFT JOIN buyer_orders o ON o.order_id = d.order_id`;

export async function listDeliveries(manager: EntityManager, filter: { orderId?: string; status?: string; channel?: string; limit: number }): Promise<DeliveryView[]> {
  const rows = await queryRows<DeliveryRow>(
    manager,
    `${SELECT} WHERE ($1::text IS NULL OR d.order_id = $1) AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.channel = $3)
     ORDER BY d.created_at DESC, d.id LIMIT $4`,
    [filter.orderId ?? null, filter.status ?? null, filter.channel ?? null, filter.limit],
  );
  return rows.map(view);
}

export async function findDelivery(manager: EntityManager, id: string): Promise<(DeliveryView & { history: { number: number; outcome: string; error: string | null; startedAt: string; finishedAt: string }[] }) | undefined> {
  const [row] = await queryRows<DeliveryRow>(manager, `${SELECT} WHERE d.id = $1`, [id]);
  if (!row) return undefined;
  const history = await queryRows<{ number: number; outcome: string; error: string | null; started_at: Date; finished_at: Date }>(
    manager,
    'SELECT number, outcome, error, started_at, finished_at FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id',
    [id],
  );
  return { ...view(row), history: history.map((h) => ({ number: h.number, outcome: h.outcome, error: h.error, startedAt: h.started_at.toISOString(), finishedAt: h.finished_at.toISOString() })) };
}

export type RetryOutcome = 'scheduled' | 'not_found' | 'not_failed';

/**
 * Puts a failed delivery back in the queue with a fresh set of attempts (the
 * old ones stay in its history). Only `failed` can be retried: a delivered one
 * must not be sent twice and a withheld one was held back on purpose.
 */
export async function retryDelivery(manager: EntityManager, id: string): Promise<RetryOutcome> {
  const [row] = await queryRows<{ status: string }>(manager, 'SELECT status FROM deliveries WHERE id = $1 FOR UPDATE', [id]);
  if (!row) return 'not_found';
  if (row.status !== 'failed') return 'not_failed';
  await manager.query(
    `UPDATE deliveries SET status = 'pending', attempts = 0, permanent = false, next_attempt_at = now(), completed_at = NULL, updated_at = now() WHERE id = $1`,
    [id],
  );
  return 'scheduled';
}

/**
 * The failed deliveries of one order back in the queue (DeliveryRetryRequested,
 * staff's retry of a DELIVERY_FAILED order); returns their ids. Delivered,
 * withheld and cancelled ones stay as they are.
 */
export async function retryFailedDeliveriesOfOrder(manager: EntityManager, orderId: string): Promise<string[]> {
  // The retry request's trace: the new attempts and their outcome continue it.
  const rows = await queryRows<{ id: string }>(
    manager,
    `UPDATE deliveries SET status = 'pending', attempts = 0, permanent = false, next_attempt_at = now(), completed_at = NULL, updated_at = now(), trace_context = $2::jsonb
     WHERE order_id = $1 AND status = 'failed' RETURNING id`,
    [orderId, JSON.stringify(currentTraceHeaders())],
  );
  return rows.map((r) => r.id);
}

/** Every failed delivery (optionally of one channel) back in the queue; returns their ids. */
export async function retryFailedDeliveries(manager: EntityManager, channel?: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    manager,
    `UPDATE deliveries SET status = 'pending', attempts = 0, permanent = false, next_attempt_at = now(), completed_at = NULL, updated_at = now()
     WHERE status = 'failed' AND ($1::text IS NULL OR channel = $1) RETURNING id`,
    [channel ?? null],
  );
  return rows.map((r) => r.id);
}
