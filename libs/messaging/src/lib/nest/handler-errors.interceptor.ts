import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { InboxContext } from './inbox-context';

/**
 * Keeps an event handler's error as it was thrown, for the inbox consumer.
 * Nest's exception filter for message handlers replaces any error that is not
 * an RpcException with a plain `{ status, message }` object, so the consumer
 * could not see a PermanentEventError (it retried it) and dead-lettered
 * "[object Object]" instead of the reason. Interceptors run before filters, so
 * this one notes the original on the InboxContext, where InboxTransport finds
 * it. HTTP requests pass through untouched.
 */
@Injectable()
export class HandlerErrorsToInbox implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const inbox = context.switchToRpc().getContext<unknown>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (inbox instanceof InboxContext) inbox.recordFailure(error);
        return throwError(() => error);
      }),
    );
  }
}
