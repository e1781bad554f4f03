import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PeriodicTask, SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient } from '@cardlink/shop-client';
import type { OrderProcessingConfig } from '../config';
import { reconcile, type OurOrderView, type OurPaymentView, type ShopOrderView } from './domain/compare';
import { dailyRange, providerFileDays } from './domain/schedule';
import { parseSettlementFile, type ProviderEntry } from './domain/settlement-file';

export interface RunRow {
  id: string;
  range_from: Date;
  range_to: Date;
  requested_by: string;
  status: 'running' | 'interrupted' | 'completed';
  phase: 'shop' | 'provider' | 'compare' | 'done';
  pass: number;
  shop_page: number;
  provider_day: string | null;
  attempts: number;
  last_error: string | null;
  finding_count: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

/** The claim a worker holds on a run: another worker's writes with an older claim are refused. */
interface Claim {
  run: RunRow;
  attempt: number;
}

class LostClaim extends Error {}

const MAX_ERROR = 1_000;

/**
 * Runs reconciliation: one run per range, in steps that each commit their
 * progress (a page of the shop's orders, one day's settlement file, the
 * comparison), so a run cut off by a crash or a failing call continues with
 * the next step. Runs are taken with a lease; the attempt number fences a
 * worker whose lease ran out. Repeating a completed range starts a new pass of
 * the same run: findings are kept by (kind, shop order), one row each,
 * and those no longer seen are marked resolved.
 */
@Injectable()
export class ReconciliationRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconciliationRunner.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: OrderProcessingConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopClient) private readonly shop: ShopClient,
  ) {
    this.task = new PeriodicTask('reconciliation', config.RECONCILIATION_POLL_INTERVAL_MS, () => this.tick(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /**
   * The run for this range: created, or the existing one. An unfinished run
   * continues where it stopped; a completed one starts its next pass.
   */
  async request(from: Date, to: Date, requestedBy: string): Promise<{ run: RunRow; created: boolean }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO reconciliation_runs (id, range_from, range_to, requested_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (range_from, range_to) DO NOTHING RETURNING id`,
        [randomUUID(), from, to, requestedBy],
      )) as { id: string }[];
      if (inserted[0]) return { id: inserted[0].id, created: true };
      const [existing] = (await manager.query(`SELECT id, status FROM reconciliation_runs WHERE range_from = $1 AND range_to = $2 FOR UPDATE`, [from, to])) as {
        id: string;
        status: string;
      }[];
      if (!existing) throw new Error(`reconciliation run for ${from.toISOString()}..${to.toISOString()} vanished`);
      if (existing.status === 'completed') {
        await manager.query(`DELETE FROM reconciliation_shop_orders WHERE run_id = $1`, [existing.id]);
        await manager.query(`DELETE FROM reconciliation_provider_entries WHERE run_id = $1`, [existing.id]);
        await manager.query(
          `UPDATE reconciliation_runs SET status = 'running', phase = 'shop', pass = pass + 1, shop_page = 0, provider_day = NULL,
             last_error = NULL, lease_until = NULL, requested_by = $2, updated_at = now(), completed_at = NULL WHERE id = $1`,
          [existing.id, requestedBy],
        );
      }
      return { id: existing.id, created: false };
    });
    this.task.nudge();
    return { run: await this.find(result.id).then((run) => run as RunRow), created: result.created };
  }

  async find(id: string): Promise<RunRow | undefined> {
    const [run] = (await this.dataSource.query(`SELECT * FROM reconciliation_runs WHERE id = $1`, [id])) as RunRow[];
    return run;
  }

  /** Starts the daily run when due, then works on every run that needs it. */
  async tick(): Promise<void> {
    const daily = dailyRange(new Date(), this.config.RECONCILIATION_DAILY_AT);
    if (daily) {
      await this.dataSource.query(
        `INSERT INTO reconciliation_runs (id, range_from, range_to, requested_by) VALUES ($1, $2, $3, 'schedule') ON CONFLICT (range_from, range_to) DO NOTHING`,
        [randomUUID(), daily.from, daily.to],
      );
    }
    for (let claim = await this.claim(); claim; claim = await this.claim()) await this.work(claim);
  }

  private async claim(): Promise<Claim | undefined> {
    const [run] = (await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = 'running', attempts = attempts + 1, lease_until = now() + $1 * interval '1 millisecond', updated_at = now()
       WHERE id = (SELECT id FROM reconciliation_runs WHERE status <> 'completed' AND (lease_until IS NULL OR lease_until < now())
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [this.config.RECONCILIATION_LEASE_MS],
    )) as [RunRow[], number];
    const row = run[0];
    return row ? { run: row, attempt: row.attempts } : undefined;
  }

  /** Takes the run step by step to the end; a failure leaves it interrupted with the error, to be resumed. */
  private async work(claim: Claim): Promise<void> {
    try {
      while (claim.run.phase !== 'done') claim.run = await this.step(claim);
      this.logger.log({ runId: claim.run.id, findings: claim.run.finding_count, pass: claim.run.pass }, 'reconciliation run completed');
    } catch (error) {
      if (error instanceof LostClaim) return;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR);
      this.logger.warn({ runId: claim.run.id, phase: claim.run.phase, err: error }, 'reconciliation run interrupted; it resumes where it stopped');
      await this.dataSource.query(
        `UPDATE reconciliation_runs SET status = 'interrupted', last_error = $3, lease_until = NULL, updated_at = now() WHERE id = $1 AND attempts = $2`,
        [claim.run.id, claim.attempt, message],
      );
    }
  }

  private async step(claim: Claim): Promise<RunRow> {
    const { run } = claim;
    switch (run.phase) {
      case 'shop':
        return this.readShopPage(claim, run.shop_page + 1);
      case 'provider':
        return this.readProviderDay(claim);
      case 'compare':
        return this.compare(claim);
      case 'done':
        return run;
    }
  }

  private async readShopPage(claim: Claim, page: number): Promise<RunRow> {
    const { run } = claim;
    const pageSize = this.config.RECONCILIATION_PAGE_SIZE;
    const result = await this.shop.listOrders({ from: run.range_from.toISOString(), to: run.range_to.toISOString(), page, pageSize });
    const last = result.items.length < pageSize || page * pageSize >= result.total;
    return this.progress(claim, { shop_page: page, phase: last ? 'provider' : 'shop' }, async (manager) => {
      for (const order of result.items) {
        await manager.query(
          `INSERT INTO reconciliation_shop_orders (run_id, shop_order_id, status, total_amount, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (run_id, shop_order_id) DO UPDATE SET status = EXCLUDED.status, total_amount = EXCLUDED.total_amount, currency = EXCLUDED.currency, created_at = EXCLUDED.created_at`,
          [run.id, order.shopOrderId, order.status, order.totalAmount, order.currency, new Date(order.createdAt)],
        );
      }
    });
  }

  private async readProviderDay(claim: Claim): Promise<RunRow> {
    const { run } = claim;
    const days = providerFileDays(run.range_from, run.range_to, new Date(), this.config.RECONCILIATION_REFUND_LOOKAHEAD_DAYS);
    const day = days.find((d) => run.provider_day === null || d > run.provider_day);
    if (day === undefined) return this.progress(claim, { phase: 'compare' }, async () => undefined);
    const entries = parseSettlementFile(await this.shop.downloadSettlement(day));
    return this.progress(claim, { provider_day: day }, async (manager) => {
      await manager.query(`DELETE FROM reconciliation_provider_entries WHERE run_id = $1 AND file_date = $2`, [run.id, day]);
      for (const [index, e] of entries.entries()) {
        await manager.query(
          `INSERT INTO reconciliation_provider_entries (run_id, file_date, line_no, trade_no, shop_order_id, type, channel, amount, fee, currency, occurred_at, refund_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [run.id, day, index + 2, e.tradeNo, e.shopOrderId, e.type, e.channel, e.amount, e.fee, e.currency, new Date(e.occurredAt), e.refundId],
        );
      }
    });
  }

  private async compare(claim: Claim): Promise<RunRow> {
    const { run } = claim;
    return this.progress(claim, { phase: 'done' }, async (manager) => {
      const shop = ((await manager.query(`SELECT shop_order_id, status, total_amount, currency, created_at FROM reconciliation_shop_orders WHERE run_id = $1`, [run.id])) as {
        shop_order_id: string;
        status: string;
        total_amount: string;
        currency: string;
        created_at: Date;
      }[]).map((r): ShopOrderView => ({ shopOrderId: r.shop_order_id, status: r.status, totalAmount: Number(r.total_amount), currency: r.currency, createdAt: r.created_at.toISOString() }));
      const provider = ((await manager.query(`SELECT * FROM reconciliation_provider_entries WHERE run_id = $1 ORDER BY file_date, line_no`, [run.id])) as {
        trade_no: string;
        shop_order_id: string;
        type: 'payment' | 'refund';
        channel: string;
        amount: string;
        fee: string;
        currency: string;
        occurred_at: Date;
        refund_id: string | null;
      }[]).map(
        (r): ProviderEntry => ({
          tradeNo: r.trade_no,
          shopOrderId: r.shop_order_id,
          type: r.type,
          channel: r.channel,
          amount: Number(r.amount),
          fee: Number(r.fee),
          currency: r.currency,
          occurredAt: r.occurred_at.toISOString(),
          refundId: r.refund_id,
        }),
      );
      // Orders the range's payments name; refunds of other orders in the lookahead days are not this run's business.
      const paidInRange = provider.filter((p) => p.type === 'payment' && p.occurredAt >= run.range_from.toISOString() && p.occurredAt < run.range_to.toISOString());
      const named = [...new Set([...shop.map((s) => s.shopOrderId), ...paidInRange.map((p) => p.shopOrderId)])];
      const ours = await this.ourOrders(manager, run.range_from, run.range_to, named);
      const findings = reconcile({
        range: { from: run.range_from.toISOString(), to: run.range_to.toISOString() },
        shop,
        provider,
        ours,
        now: new Date().toISOString(),
        deliveryDeadlineMs: this.config.RECONCILIATION_DELIVERY_DEADLINE_MS,
      });
      for (const f of findings) {
        await manager.query(
          `INSERT INTO reconciliation_findings (run_id, kind, shop_order_id, order_id, description, detail, last_seen_pass) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (run_id, kind, shop_order_id) DO UPDATE SET order_id = EXCLUDED.order_id, description = EXCLUDED.description, detail = EXCLUDED.detail,
             last_seen_pass = EXCLUDED.last_seen_pass, resolved_at = NULL`,
          [run.id, f.kind, f.shopOrderId, f.orderId, f.description, JSON.stringify(f.detail), run.pass],
        );
      }
      await manager.query(`UPDATE reconciliation_findings SET resolved_at = now() WHERE run_id = $1 AND last_seen_pass < $2 AND resolved_at IS NULL`, [run.id, run.pass]);
      await manager.query(`UPDATE reconciliation_runs SET finding_count = $2, status = 'completed', completed_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`, [
        run.id,
        findings.length,
      ]);
    });
  }

  /** Our orders in the range by when they were ordered, and every other order the shop or the provider named. */
  private async ourOrders(manager: EntityManager, from: Date, to: Date, named: string[]): Promise<OurOrderView[]> {
    const orders = (await manager.query(
      `SELECT o.id, o.shop_order_id, o.state, o.total_amount, o.currency, o.ordered_at,
              EXISTS (SELECT 1 FROM order_state_history h WHERE h.order_id = o.id AND h.to_state = 'DELIVERED') AS delivered,
              EXISTS (SELECT 1 FROM order_state_history h WHERE h.order_id = o.id AND h.to_state = 'REFUNDED') AS refunded
       FROM orders o WHERE (o.ordered_at >= $1 AND o.ordered_at < $2) OR o.shop_order_id = ANY($3)`,
      [from, to, named],
    )) as { id: string; shop_order_id: string; state: string; total_amount: string; currency: string; ordered_at: Date; delivered: boolean; refunded: boolean }[];
    const payments = (await manager.query(`SELECT order_id, reference, channel, amount, currency, paid_at, outcome FROM payments WHERE order_id = ANY($1) ORDER BY recorded_at, reference`, [
      orders.map((o) => o.id),
    ])) as { order_id: string; reference: string; channel: string; amount: string; currency: string; paid_at: Date; outcome: OurPaymentView['outcome'] }[];
    return orders.map((o) => ({
      orderId: o.id,
      shopOrderId: o.shop_order_id,
      state: o.state,
      totalAmount: Number(o.total_amount),
      currency: o.currency,
      orderedAt: o.ordered_at.toISOString(),
      payments: payments
        .filter((p) => p.order_id === o.id)
        .map((p) => ({ reference: p.reference, channel: p.channel, amount: Number(p.amount), currency: p.currency, paidAt: p.paid_at.toISOString(), outcome: p.outcome })),
      delivered: o.delivered,
      refunded: o.refunded,
    }));
  }

  /**
   * Commits one step: its writes and the run's new position, only while the
   * claim still holds (the lease is extended with it).
   */
  private async progress(claim: Claim, changes: Partial<Pick<RunRow, 'phase' | 'shop_page' | 'provider_day'>>, write: (manager: EntityManager) => Promise<void>): Promise<RunRow> {
    return this.dataSource.transaction(async (manager) => {
      const [held] = (await manager.query(`SELECT 1 FROM reconciliation_runs WHERE id = $1 AND attempts = $2 FOR UPDATE`, [claim.run.id, claim.attempt])) as unknown[];
      if (!held) throw new LostClaim(`run ${claim.run.id} was taken over`);
      await write(manager);
      const [rows] = (await manager.query(
        `UPDATE reconciliation_runs SET phase = COALESCE($2, phase), shop_page = COALESCE($3, shop_page), provider_day = COALESCE($4, provider_day),
           lease_until = CASE WHEN status = 'completed' THEN NULL ELSE now() + $5 * interval '1 millisecond' END, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [claim.run.id, changes.phase ?? null, changes.shop_page ?? null, changes.provider_day ?? null, this.config.RECONCILIATION_LEASE_MS],
      )) as [RunRow[], number];
      const run = rows[0];
      if (!run) throw new LostClaim(`run ${claim.run.id} vanished`);
      return run;
    });
  }
}
