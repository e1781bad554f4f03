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
