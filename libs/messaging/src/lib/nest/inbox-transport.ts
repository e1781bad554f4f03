import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { InboxConsumer, type EventHandler, type InboxConsumerOptions } from '../inbox/inbox-consumer';
import { InboxContext } from './inbox-context';

export type InboxTransportOptions = Omit<InboxConsumerOptions, 'handlers'>;

/**
 * A @nestjs/microservices transport on top of InboxConsumer: handlers are
 * ordinary @EventPattern('<event type>') methods. Unlike the stock Kafka
 * transport, topics are consumed concurrently per partition, a failing handler
 * is retried a bounded number of times and then dead-lettered, and offsets are
 * committed only after the handler's transaction.
 */
export class InboxTransport extends Server implements CustomTransportStrategy {
  private consumer?: InboxConsumer;

  constructor(private readonly options: InboxTransportOptions) {
    super();
  }

  get inboxConsumer(): InboxConsumer | undefined {
    return this.consumer;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const handlers = new Map<string, EventHandler>();
      for (const [pattern, messageHandler] of this.getHandlers()) {
        handlers.set(pattern, async (envelope, ctx) => {
          const inbox = new InboxContext([envelope, ctx.manager, ctx.afterCommit]);
          try {
            const result: unknown = await messageHandler(envelope.data, inbox);
            if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
          } catch (error) {
            // Nest's filter turned the handler's error into a plain object; the consumer needs the original.
            throw inbox.failure()?.error ?? error;
          }
        });
      }
      if (handlers.size === 0) {
        callback();
        return;
      }
      this.consumer = new InboxConsumer({ ...this.options, handlers });
      await this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  on(): never {
    throw new Error('InboxTransport emits no events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
