import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@cardlink/contracts';

/**
 * What an @EventPattern handler receives with @Ctx(): the whole envelope (for
 * ids and causation) and the transaction its writes must use.
 */
export class InboxContext extends BaseRpcContext<[EventEnvelope, EntityManager]> {
  getEnvelope(): EventEnvelope {
    return this.args[0];
  }

  getManager(): EntityManager {
    return this.args[1];
  }
}
