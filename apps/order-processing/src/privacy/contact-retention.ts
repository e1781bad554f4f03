import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import { ErasureRecord, personalData, RetentionTask, type PersonalDataConfig } from '@cardlink/personal-data';
import type { Buyer } from '@cardlink/contracts';
import { storedBuyer } from './buyer-column';
import { eraseOrders } from './buyer-erasure';

const BATCH = 500;

export interface RetentionRound {
  ordersErased: number;
  ordersSealed: number;
}

/**
 * Erases the contacts of orders older than PERSONAL_DATA_RETENTION_DAYS (the
 * order, its amounts and payments stay) with one audit row per batch, and seals
 * buyers stored before protection was switched on. Replicas share the work
 * through SKIP LOCKED.
 */
@Injectable()
export class ContactRetention extends RetentionTask {
  constructor(
    @Inject(SERVICE_CONFIG) config: PersonalDataConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
  ) {
    super('contact retention', config);
  }

  async runRound(now = new Date()): Promise<RetentionRound> {
    const cutoff = this.cutoff(now);
    let ordersErased = 0;
    for (;;) {
      const erased = await this.unitOfWork.run(async (manager) => {
        const rows = (await manager.query(
          `SELECT id, shop_order_id FROM orders WHERE ordered_at < $1 AND NOT buyer ? 'erasedAt' ORDER BY ordered_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [cutoff, BATCH],
        )) as { id: string; shop_order_id: string }[];
        if (rows.length === 0) return 0;
        const erasureId = randomUUID();
        await eraseOrders(manager, rows.map((r) => ({ id: r.id, shopOrderId: r.shop_order_id })), erasureId, now);
        await manager.getRepository(ErasureRecord).insert({
          id: erasureId,
          cause: 'retention',
          requestedBy: 'retention',
          reason: `ordered before ${cutoff.toISOString()} (${this.retention.PERSONAL_DATA_RETENTION_DAYS} days)`,
          identifierKinds: [],
          orderIds: rows.map((r) => r.id),
          ordersErased: rows.length,
          erasedAt: now,
        });
        return rows.length;
      });
      ordersErased += erased;
      if (erased < BATCH) break;
    }
    await this.unitOfWork.run((manager) =>
      manager.query('UPDATE unmatched_payments SET account = NULL WHERE received_at < $1 AND account IS NOT NULL', [cutoff]),
    );
    return { ordersErased, ordersSealed: await this.sealUnprotected() };
  }

  /** Buyers written before the keys were configured are sealed in place. */
  private async sealUnprotected(): Promise<number> {
    if (!personalData().isProtected) return 0;
    let sealed = 0;
    for (;;) {
      const count = await this.unitOfWork.run(async (manager) => {
        const rows = (await manager.query(
          `SELECT id, buyer FROM orders WHERE NOT buyer ? 'keys' AND NOT buyer ? 'erasedAt' LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [BATCH],
        )) as { id: string; buyer: Buyer }[];
        for (const row of rows) await manager.query('UPDATE orders SET buyer = $2 WHERE id = $1', [row.id, JSON.stringify(storedBuyer(row.buyer))]);
        return rows.length;
      });
      sealed += count;
      if (count < BATCH) return sealed;
    }
  }
}
