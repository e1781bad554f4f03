import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ShopApiError, ShopClient } from '@cardlink/shop-client';
import { PeriodicTask, SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { OrderProcessingConfig } from '../config';
import { recordRefund } from '../orders/domain/order';
import { OrderLifecycle } from '../orders/order-lifecycle';
import { OrderStore } from '../orders/order-store';
import { describeFailure, nextAttemptDelayMs } from './refund-retry';

interface DueRefund {
  id: string;
  order_id: string;
  shop_order_id: string;
  amount: string;
  currency: string;
  reason: string;
  attempts: number;
}

const BATCH = 20;

/**
 * Sends pending refund requests to the shop until it acknowledges each. Safe
 * with several replicas: a sender claims requests with FOR UPDATE SKIP LOCKED
 * and holds them by pushing next_attempt_at past its call (a lease), so the
 * call itself runs outside any transaction. Should a lease run out, the same
 * refundId (and idempotency key) goes again and the shop refunds once.
 * Acknowledged → the order is REFUNDED; the shop's later order-refunded
 * webhook then changes nothing.
 */
@Injectable()
export class RefundSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RefundSender.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: OrderProcessingConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(ShopClient) private readonly shop: ShopClient,
    @Inject(OrderLifecycle) private readonly lifecycle: OrderLifecycle,
  ) {
    this.task = new PeriodicTask('refund sender', config.REFUND_POLL_INTERVAL_MS, () => this.sendDue(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Sends every request due now, a batch at a time; returns how many were sent (acknowledged or not). */
  async sendDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.claim();
      for (const request of claimed) await this.send(request);
      sent += claimed.length;
      if (claimed.length < BATCH) return sent;
    }
  }

  private claim(): Promise<DueRefund[]> {
    return this.unitOfWork.run(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE refund_requests SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
         WHERE id IN (
           SELECT id FROM refund_requests WHERE status = 'pending' AND next_attempt_at <= now()
           ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, order_id, shop_order_id, amount, currency, reason, attempts`,
        [BATCH, this.config.REFUND_CALL_LEASE_MS],
      )) as [DueRefund[], number];
      return rows;
    });
  }

  private async send(request: DueRefund): Promise<void> {
    try {
      await this.shop.requestRefund(
        request.shop_order_id,
        { refundId: request.id, amount: { amount: Number(request.amount), currency: request.currency }, reason: request.reason },
        // Give up on the call well before the lease ends, so no other sender takes the request while it runs.
        { signal: AbortSignal.timeout(Math.max(1_000, this.config.REFUND_CALL_LEASE_MS - 1_000)) },
      );
    } catch (error) {
      await this.postpone(request, error);
      return;
    }
    await this.acknowledge(request);
  }

  private async acknowledge(request: DueRefund): Promise<void> {
    await this.unitOfWork.run(async (manager) => {
      const store = new OrderStore(manager);
      await store.lockShopOrder(request.shop_order_id);
      const [rows] = (await manager.query(
        `UPDATE refund_requests SET status = 'acknowledged', acknowledged_at = now(), last_error = NULL WHERE id = $1 AND status = 'pending' RETURNING id`,
        [request.id],
      )) as [unknown[], number];
      // Already settled by the shop's webhook, which also moved the order.
      if (rows.length === 0) return;
      const order = await store.findById(request.order_id);
      if (!order) return;
      await this.lifecycle.apply(manager, recordRefund(order, { eventId: `refund:${request.id}`, at: new Date().toISOString() }, `the shop accepted refund ${request.id}`));
    });
    this.logger.log({ orderId: request.order_id, refundId: request.id, attempts: request.attempts }, 'refund acknowledged by the shop');
  }

  private async postpone(request: DueRefund, error: unknown): Promise<void> {
    const retryAfterMs = error instanceof ShopApiError ? error.retryAfterMs : undefined;
    const delayMs = nextAttemptDelayMs(request.attempts, { baseMs: this.config.REFUND_RETRY_BASE_MS, maxMs: this.config.REFUND_RETRY_MAX_MS }, retryAfterMs);
    const lastError = describeFailure(error);
    await this.unitOfWork.run((manager) =>
      manager.query(
        `UPDATE refund_requests SET last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond' WHERE id = $1 AND status = 'pending'`,
        [request.id, lastError, delayMs],
      ),
    );
    this.logger.warn({ orderId: request.order_id, refundId: request.id, attempts: request.attempts, nextAttemptInMs: delayMs, error: lastError }, 'refund not acknowledged; will retry');
  }
}
