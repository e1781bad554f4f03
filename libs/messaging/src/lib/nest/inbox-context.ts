import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@cardlink/contracts';

type AfterCommit = (effect: () => void) => void;

/**
 * What an @EventPattern handler receives with @Ctx(): the whole envelope (for
 * ids and causation), the transaction its writes must use, and a way to act
 * once that transaction committed.
 */
export class InboxContext extends BaseRpcContext<[EventEnvelope, EntityManager, AfterCommit?]> {
  private thrown?: { error: unknown };

  getEnvelope(): EventEnvelope {
    return this.args[0];
  }

  getManager(): EntityManager {
    return this.args[1];
  }

  /** Runs `effect` once the handler's transaction committed (e.g. to wake a worker that reads what it wrote); never on rollback. */
  afterCommit(effect: () => void): void {
    const schedule = this.args[2];
    if (!schedule) throw new Error('this InboxContext has no transaction to wait for');
    schedule(effect);
  }

  /** The handler's error as thrown (see HandlerErrorsToInbox). */
  recordFailure(error: unknown): void {
    this.thrown = { error };
  }

  /** What the handler threw, if it failed. */
  failure(): { error: unknown } | undefined {
    return this.thrown;
  }
}
