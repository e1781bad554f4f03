import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { periodOf, type SettlementCycle } from './domain/cycles';
import { MissingFeeRate, type FeeRate } from './domain/fees';
import { computeStatement, type LateRefund, type PendingAdjustment, type SettlingPayment, type StatementLine } from './domain/statement';

/** A request the current data does not allow; the message says why (409). */
export class SettlementRefused extends Error {
  override name = 'SettlementRefused';
}

export interface StatementRow {
  id: string;
  merchant_id: string;
  cycle: SettlementCycle;
  period_start: Date;
  period_end: Date;
  payable_on: string;
  currency: string;
  gross: string;
  fees: string;
  refunds: string;
  adjustments: string;
  net: string;
  order_count: number;
  issued_by: string;
  issued_at: Date;
}

export interface MerchantRow {
  merchant_id: string;
  cycle: SettlementCycle;
  settles_from: Date;
  updated_by: string;
  updated_at: Date;
}

const toNumber = (value: string | number | null): number => (value === null ? 0 : Number(value));

/**
 * Fee rates, cycles, adjustments and statements. Issuing is serialised (one
 * advisory lock), so a payment or refund lands in exactly one statement; the
 * partial unique indexes on the lines would refuse a second one anyway.
 *
 * One cardlink deployment serves one shop, so all its orders belong to the
 * merchant a statement is issued for; the merchant id names the statements
 * and carries the cycle.
 */
@Injectable()
export class SettlementService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async setCycle(merchantId: string, cycle: SettlementCycle, settlesFrom: Date | undefined, by: string): Promise<MerchantRow> {
    const from = settlesFrom ?? new Date(periodOf(cycle, new Date().toISOString()).start);
    const [row] = (await this.dataSource.query(
      `INSERT INTO settlement_merchants (merchant_id, cycle, settles_from, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id) DO UPDATE SET cycle = EXCLUDED.cycle, settles_from = CASE WHEN $5 THEN EXCLUDED.settles_from ELSE settlement_merchants.settles_from END,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [merchantId, cycle, from, by, settlesFrom !== undefined],
    )) as MerchantRow[];
    return row as MerchantRow;
  }

  async merchant(merchantId: string): Promise<MerchantRow | undefined> {
    const [row] = (await this.dataSource.query(`SELECT * FROM settlement_merchants WHERE merchant_id = $1`, [merchantId])) as MerchantRow[];
    return row;
  }

  /** Adds a rate; the same rate again changes nothing, another rate for the same channel and moment is refused. */
  async addFeeRate(rate: FeeRate, by: string): Promise<{ rate: FeeRate; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO settlement_fee_rates (channel, effective_from, basis_points, fixed_minor, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel, effective_from) DO NOTHING RETURNING channel`,
        [rate.channel, new Date(rate.effectiveFrom), rate.basisPoints, rate.fixedMinor, by],
      )) as unknown[];
      const [stored] = await this.feeRates(manager, { channel: rate.channel, effectiveFrom: new Date(rate.effectiveFrom) });
      if (!stored) throw new Error(`fee rate for ${rate.channel} vanished`);
      if (stored.basisPoints !== rate.basisPoints || stored.fixedMinor !== rate.fixedMinor) {
        throw new SettlementRefused(
          `channel ${rate.channel} already has a rate from ${stored.effectiveFrom} (${stored.basisPoints} bp + ${stored.fixedMinor}); add a new rate with a later effectiveFrom instead`,
        );
      }
      return { rate: stored, created: inserted.length > 0 };
    });
  }

  async feeRates(manager: EntityManager = this.dataSource.manager, only?: { channel: string; effectiveFrom: Date }): Promise<FeeRate[]> {
    const rows = (await manager.query(
      only
        ? `SELECT * FROM settlement_fee_rates WHERE channel = $1 AND effective_from = $2`
        : `SELECT * FROM settlement_fee_rates ORDER BY channel, effective_from`,
      only ? [only.channel, only.effectiveFrom] : [],
    )) as { channel: string; effective_from: Date; basis_points: number; fixed_minor: string }[];
    return rows.map((r) => ({ channel: r.channel, basisPoints: r.basis_points, fixedMinor: Number(r.fixed_minor), effectiveFrom: r.effective_from.toISOString() }));
  }

  async addAdjustment(input: { merchantId: string; currency: string; amount: number; reason: string; orderId?: string }, by: string): Promise<{ id: string }> {
    const id = randomUUID();
    await this.dataSource.query(
      `INSERT INTO settlement_adjustments (id, merchant_id, currency, amount, reason, order_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, input.merchantId, input.currency, input.amount, input.reason, input.orderId ?? null, by],
    );
    return { id };
  }

  /**
   * Issues the statement of the merchant's cycle period containing `periodOf`
   * (or returns the one already issued): once issued it never changes.
   */
  async issue(merchantId: string, within: string, currency: string, by: string): Promise<{ statement: StatementRow; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('orders:settlement'))`);
      const [merchant] = (await manager.query(`SELECT * FROM settlement_merchants WHERE merchant_id = $1`, [merchantId])) as MerchantRow[];
      if (!merchant) throw new SettlementRefused(`merchant ${merchantId} has no settlement cycle; set one with PUT /settlement/merchants/${merchantId}`);
      const period = periodOf(merchant.cycle, within);
      const [existing] = (await manager.query(`SELECT * FROM settlement_statements WHERE merchant_id = $1 AND period_start = $2 AND currency = $3`, [
        merchantId,
        new Date(period.start),
        currency,
      ])) as StatementRow[];
      if (existing) return { statement: existing, created: false };
      if (Date.parse(period.end) > Date.now()) throw new SettlementRefused(`the ${merchant.cycle} period ${period.start} – ${period.end} has not ended; issue its statement after ${period.end}`);

      const { payments, lateRefunds } = await this.settling(manager, currency, new Date(period.end), merchant.settles_from);
      const adjustments = ((await manager.query(
        `SELECT id, amount, reason, order_id FROM settlement_adjustments WHERE merchant_id = $1 AND currency = $2 AND statement_id IS NULL ORDER BY created_at, id`,
        [merchantId, currency],
      )) as { id: string; amount: string; reason: string; order_id: string | null }[]).map((a): PendingAdjustment => ({ id: a.id, amount: Number(a.amount), reason: a.reason, orderId: a.order_id }));
      let computed;
      try {
        computed = computeStatement({ payments, lateRefunds, adjustments, rates: await this.feeRates(manager) });
      } catch (error) {
        if (error instanceof MissingFeeRate) throw new SettlementRefused(error.message);
        throw error;
      }
      const id = randomUUID();
      const { totals } = computed;
      const [statement] = (await manager.query(
        `INSERT INTO settlement_statements (id, merchant_id, cycle, period_start, period_end, payable_on, currency, gross, fees, refunds, adjustments, net, order_count, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
        [id, merchantId, merchant.cycle, new Date(period.start), new Date(period.end), period.payableOn, currency, totals.gross, totals.fees, totals.refunds, totals.adjustments, totals.net, totals.orderCount, by],
      )) as StatementRow[];
      for (const [index, line] of computed.lines.entries()) await this.insertLine(manager, id, index + 1, line);
      if (adjustments.length > 0) await manager.query(`UPDATE settlement_adjustments SET statement_id = $1 WHERE id = ANY($2)`, [id, adjustments.map((a) => a.id)]);
      return { statement: statement as StatementRow, created: true };
    });
  }

  async statements(merchantId: string, page: number, pageSize: number): Promise<{ items: StatementRow[]; total: number }> {
    const items = (await this.dataSource.query(`SELECT * FROM settlement_statements WHERE merchant_id = $1 ORDER BY period_start DESC, currency LIMIT $2 OFFSET $3`, [
      merchantId,
      pageSize,
      (page - 1) * pageSize,
    ])) as StatementRow[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM settlement_statements WHERE merchant_id = $1`, [merchantId])) as [{ total: number }];
    return { items, total };
  }

  async statement(id: string): Promise<{ statement: StatementRow; lines: Record<string, unknown>[] } | undefined> {
    const [statement] = (await this.dataSource.query(`SELECT * FROM settlement_statements WHERE id = $1`, [id])) as StatementRow[];
    if (!statement) return undefined;
    const lines = (await this.dataSource.query(`SELECT * FROM settlement_statement_lines WHERE statement_id = $1 ORDER BY line_no`, [id])) as Record<string, unknown>[];
    return { statement, lines };
  }

  /** Payments up to the period's end not settled yet, with refunds known now; refunds of orders settled before. */
  private async settling(manager: EntityManager, currency: string, end: Date, settlesFrom: Date): Promise<{ payments: SettlingPayment[]; lateRefunds: LateRefund[] }> {
    const paid = (await manager.query(
      `SELECT p.order_id, o.shop_order_id, p.reference, p.channel, p.amount, p.paid_at FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.currency = $1 AND p.paid_at < $2 AND p.paid_at >= $3
         AND NOT EXISTS (SELECT 1 FROM settlement_statement_lines l WHERE l.payment_reference = p.reference)
       ORDER BY p.paid_at, p.reference`,
      [currency, end, settlesFrom],
    )) as { order_id: string; shop_order_id: string; reference: string; channel: string; amount: string; paid_at: Date }[];
    const refunded = (await manager.query(
      `SELECT o.id AS order_id, o.shop_order_id, min(h.occurred_at) AS refunded_at,
              COALESCE((SELECT r.amount FROM refund_requests r WHERE r.order_id = o.id AND r.status = 'acknowledged'),
                       (SELECT sum(p.amount) FROM payments p WHERE p.order_id = o.id)) AS amount,
              EXISTS (SELECT 1 FROM settlement_statement_lines l WHERE l.order_id = o.id AND l.kind = 'order') AS settled_before
       FROM orders o JOIN order_state_history h ON h.order_id = o.id AND h.to_state = 'REFUNDED'
       WHERE o.currency = $1 AND NOT EXISTS (SELECT 1 FROM settlement_statement_lines l WHERE l.refund_order_id = o.id)
       GROUP BY o.id`,
      [currency],
    )) as { order_id: string; shop_order_id: string; refunded_at: Date; amount: string | null; settled_before: boolean }[];
    const refunds = new Map(refunded.map((r) => [r.order_id, r]));
    const refundTaken = new Set<string>();
    const payments = paid.map((p): SettlingPayment => {
      const refund = refunds.get(p.order_id);
      // One refund per order: it goes on the order's first payment in the statement.
      const attach = refund !== undefined && !refundTaken.has(p.order_id);
      if (attach) refundTaken.add(p.order_id);
      return {
        orderId: p.order_id,
        shopOrderId: p.shop_order_id,
        reference: p.reference,
        channel: p.channel,
        amount: Number(p.amount),
        paidAt: p.paid_at.toISOString(),
        ...(attach ? { refund: { amount: toNumber(refund.amount), refundedAt: refund.refunded_at.toISOString() } } : {}),
      };
    });
    const lateRefunds = refunded
      .filter((r) => r.settled_before && !refundTaken.has(r.order_id))
      .map((r): LateRefund => ({ orderId: r.order_id, shopOrderId: r.shop_order_id, amount: toNumber(r.amount), refundedAt: r.refunded_at.toISOString() }));
    return { payments, lateRefunds };
  }

  private async insertLine(manager: EntityManager, statementId: string, lineNo: number, line: StatementLine): Promise<void> {
    await manager.query(
      `INSERT INTO settlement_statement_lines (statement_id, line_no, kind, order_id, shop_order_id, payment_reference, refund_order_id, channel, amount,
         fee_basis_points, fee_fixed, fee, refund, adjustment, net, occurred_at, adjustment_id, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        statementId,
        lineNo,
        line.kind,
        line.orderId,
        line.shopOrderId,
        line.paymentReference,
        line.refund > 0 ? line.orderId : null,
        line.channel,
        line.amount,
        line.feeBasisPoints,
        line.feeFixed,
        line.fee,
        line.refund,
        line.adjustment,
        line.net,
        line.occurredAt === null ? null : new Date(line.occurredAt),
        line.adjustmentId,
        line.note,
      ],
    );
  }
}
