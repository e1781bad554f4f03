/** How long a refund request waits before its next attempt. Plain TypeScript, unit tested. */
export interface RefundRetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff after the `attempts`-th failed attempt (1 = the first),
 * capped: a refund is never given up, since the buyer is owed the money; a
 * lasting refusal shows as the request's last error until a person fixes the
 * cause (credentials, the shop's data). The shop's Retry-After wins when longer.
 */
export function nextAttemptDelayMs(attempts: number, policy: RefundRetryPolicy, retryAfterMs?: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return retryAfterMs === undefined ? backoff : Math.min(policy.maxMs, Math.max(backoff, retryAfterMs));
}

/** The error as stored and shown to staff: the shop client's message never carries request bodies. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 1000);
}
