/**
 * SQLSTATE of a Postgres error, whether it is the raw pg error or TypeORM's
 * QueryFailedError (which keeps the pg error as driverError).
 */
export function postgresErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const driverError = (error as { driverError?: unknown }).driverError;
  if (typeof driverError === 'object' && driverError !== null) {
    const code = (driverError as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** unique_violation: the row exists already (e.g. a duplicate event id in the inbox). */
export function isUniqueViolation(error: unknown): boolean {
  return postgresErrorCode(error) === '23505';
}

/** serialization_failure or deadlock_detected: the whole transaction may be retried. */
export function isSerializationFailure(error: unknown): boolean {
  const code = postgresErrorCode(error);
  return code === '40001' || code === '40P01';
}

/** SQLSTATEs of a server that refuses or dropped the connection: too_many_connections, cannot_connect_now, admin_shutdown, connection_exception family. */
const UNAVAILABLE_CODES = new Set(['53300', '57P01', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * The database could not serve the request right now: the pool had no free
 * connection within its timeout, the server refused or dropped the
 * connection. Worth answering 503 and retrying later, unlike a bad query.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = postgresErrorCode(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_NETWORK_CODES.has(code))) return true;
  const message = (error as { message?: unknown }).message;
  // node-postgres' own errors carry no code: the pool's wait for a free client, and a connection attempt that timed out or was cut.
  return typeof message === 'string' && /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout|Connection terminated unexpectedly)/.test(message);
}
