import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import { ErasureRecord, RetentionTask, type PersonalDataConfig } from '@cardlink/personal-data';
import { eraseDeliveryContacts } from './contact-erasure';

const BATCH = 500;

/**
 * Erases the addresses of orders paid more than PERSONAL_DATA_RETENTION_DAYS
 * ago and the visitor details of pickup audit rows as old, one audit row per
 * batch; deliveries and the audit rows stay.
 */
@Injectable()
export class DeliveryContactRetention extends RetentionTask {
  constructor(
    @Inject(SERVICE_CONFIG) config: PersonalDataConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
  ) {
    super('contact retention', config);
  }

  /** Returns how many orders' addresses were erased. */
  async runRound(now = new Date()): Promise<number> {
    const cutoff = this.cutoff(now);
    let total = 0;
    for (;;) {
      const erased = await this.unitOfWork.run(async (manager) => {
        const rows = (await manager.query(
          `SELECT order_id FROM buyer_orders WHERE paid_at < $1 AND (email IS NOT NULL OR phone IS NOT NULL) ORDER BY paid_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [cutoff, BATCH],
        )) as { order_id: string }[];
        if (rows.length === 0) return 0;
        const orderIds = await eraseDeliveryContacts(manager, rows.map((r) => r.order_id));
        await manager.getRepository(ErasureRecord).insert({
          id: randomUUID(),
          cause: 'retention',
          requestedBy: 'retention',
          reason: `paid before ${cutoff.toISOString()} (${this.retention.PERSONAL_DATA_RETENTION_DAYS} days)`,
          identifierKinds: [],
          orderIds,
          ordersErased: orderIds.length,
          erasedAt: now,
        });
        return rows.length;
      });
      total += erased;
      if (erased < BATCH) break;
    }
    await this.unitOfWork.run(async (manager) => {
      await manager.query(`UPDATE pickup_audit SET ip = 'erased', user_agent = NULL WHERE at < $1 AND ip <> 'erased'`, [cutoff]);
      await manager.query(`UPDATE card_reports SET buyer_key = 'erased', note = 'erased' WHERE reported_at < $1 AND note <> 'erased'`, [cutoff]);
    });
    return total;
  }
}
