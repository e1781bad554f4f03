import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxRelay } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';

/**
 * Runs work in one database transaction and wakes the outbox relay once it
 * committed, so events written with Outbox.add leave within milliseconds.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await withTransaction(this.dataSource, work);
    this.relay.nudge();
    return result;
  }
}
