import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import { personalData, RetentionTask, type PersonalDataConfig } from '@cardlink/personal-data';
import type { IdentityField } from '../lists/identifiers';
import { storedListValue } from './list-values';

const BATCH = 500;

/**
 * Replaces the clear values of list entries stored before protection was
 * switched on by their match keys and masked forms, at start-up and then on
 * the retention schedule.
 */
@Injectable()
export class ListProtection extends RetentionTask {
  constructor(
    @Inject(SERVICE_CONFIG) config: PersonalDataConfig,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
  ) {
    super('list protection', config);
  }

  /** Returns how many entries were protected. */
  async runRound(): Promise<number> {
    if (!personalData().isProtected) return 0;
    let total = 0;
    for (;;) {
      const count = await this.unitOfWork.run(async (manager) => {
        const rows = (await manager.query(`SELECT id, field, value FROM list_entries WHERE value NOT LIKE 'hm1.%' LIMIT $1 FOR UPDATE SKIP LOCKED`, [BATCH])) as {
          id: string;
          field: IdentityField;
          value: string;
        }[];
        for (const row of rows) {
          const stored = storedListValue(row.field, row.value);
          await manager.query('UPDATE list_entries SET value = $2, value_masked = $3 WHERE id = $1', [row.id, stored.value, stored.masked]);
        }
        return rows.length;
      });
      total += count;
      if (count < BATCH) return total;
    }
  }
}
