export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5000 };

/**
 * Delay before attempt `attempt` (2, 3, …): exponential with full jitter, so
 * consumers that failed together do not retry together.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** An error no retry can fix (bad data, broken contract): the message goes straight to the dead-letter topic. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}
