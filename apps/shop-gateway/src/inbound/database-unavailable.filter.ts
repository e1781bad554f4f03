import { type ArgumentsHost, Catch, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isDatabaseUnavailable } from '@cardlink/persistence';

/** Seconds a sender is asked to wait; senders back off further on their own. */
export const RETRY_AFTER_SECONDS = 2;

/** The parts of an Express response the filter writes; structural, to need no express types. */
interface PlainResponse {
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): { json(body: unknown): unknown };
}

/**
 * Under load the database pool can run out of connections (or Postgres
 * refuse new ones). Nothing was stored then, and the sender will retry, so
 * the honest answer is 503 with Retry-After, not a 500 that looks like a bug.
 * Every other error goes to Nest's own handling.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(DatabaseUnavailableFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || !isDatabaseUnavailable(exception)) return super.catch(exception, host);
    const response = host.switchToHttp().getResponse<PlainResponse>();
    this.logger.warn({ msg: 'database unavailable; answered 503', err: (exception as Error).message });
    if (response.headersSent) return;
    response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: `busy: nothing was stored; retry in ${RETRY_AFTER_SECONDS} s`,
    });
  }
}
