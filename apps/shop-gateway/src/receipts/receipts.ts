import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { EventData, EventDefinition } from '@cardlink/contracts';
import { Outbox } from '@cardlink/messaging';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { GatewayConfig } from '../config';
import { deliveryEventId } from './delivery-event-id';

/** One delivery from outside: who sent it and the sender's own id of it. */
export interface Delivery {
  sender: string;
  deliveryId: string;
}

/** The contract event a delivery turns into. */
export interface ContractEvent<D extends EventDefinition = EventDefinition> {
  definition: D;
  subject: string;
  data: EventData<D>;
}

export interface Acceptance {
  status: 'accepted' | 'duplicate';
  eventId: string;
}

/**
 * Durable, once-only acceptance: the receipt and the event commit in one
 * transaction (the outbox relay publishes the event after the commit), so a
 * caller answered 2xx can rely on the event reaching Kafka, and a replay finds
 * the receipt and changes nothing.
 */
@Injectable()
export class Receipts {
  constructor(
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  async acceptOnce(delivery: Delivery, event: ContractEvent): Promise<Acceptance> {
    const eventId = deliveryEventId(delivery.sender, delivery.deliveryId);
    return this.unitOfWork.run(async (manager) => {
      // ON CONFLICT waits for a concurrent insert of the same delivery, so two racing replays cannot both publish.
      const inserted: unknown[] = await manager.query(
        `INSERT INTO receipt (sender, delivery_id, event_type, event_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT "PK_receipt" DO NOTHING RETURNING event_id`,
        [delivery.sender, delivery.deliveryId, event.definition.type, eventId],
      );
      if (inserted.length === 0) return { status: 'duplicate', eventId };
      await this.outbox.add(manager, event.definition, { subject: event.subject, data: event.data, id: eventId });
      return { status: 'accepted', eventId };
    });
  }
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Forgets receipts older than the retention, which outlasts every sender's retries. */
@Injectable()
export class ReceiptPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(Logger) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purge().catch((error: unknown) => this.logger.warn({ msg: 'receipt purge failed; retrying next hour', err: error }));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes expired receipts; returns how many. */
  async purge(now = new Date()): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `DELETE FROM receipt WHERE received_at < $1::timestamptz - make_interval(days => $2)`,
      [now.toISOString(), this.config.RECEIPT_RETENTION_DAYS],
    )) as [unknown, number];
    if (deleted > 0) this.logger.log(`purged ${deleted} receipt(s) older than ${this.config.RECEIPT_RETENTION_DAYS} days`);
    return deleted;
  }
}
