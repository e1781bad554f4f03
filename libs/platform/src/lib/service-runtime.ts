import type { InboxTransport } from '@cardlink/messaging';

/**
 * What the running service knows about itself outside dependency injection:
 * its event transport (created at bootstrap) and whether it is shutting down.
 * Readiness reads it.
 */
export class ServiceRuntime {
  transport?: InboxTransport;
  shuttingDown = false;

  assertServing(): void {
    if (this.shuttingDown) throw new Error('shutting down');
    this.transport?.inboxConsumer?.assertHealthy();
  }
}
