/** What went wrong with one call to the shop (or the SMS provider), after every retry it was worth. */
export class ShopApiError extends Error {
  /** HTTP status of the last answer; 0 when there was none (network error, timeout, abort). */
  readonly status: number;
  /** The shop's `error` code (`invalid_request`, `not_found`, …) or ours: `timeout`, `network_error`, `aborted`, `invalid_response`. */
  readonly code: string;
  /** True when the same call may succeed later (429, 5xx, timeout, network); the caller may reschedule it. */
  readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  /** Attempts made before giving up. */
  readonly attempts: number;
  /** The shop's own explanation, when it gave one. */
  readonly detail?: string;
  /** For a 429 or 503 with Retry-After: how long the shop asked us to wait. */
  readonly retryAfterMs?: number;

  constructor(init: {
    status: number;
    code: string;
    retryable: boolean;
    method: string;
    path: string;
    attempts?: number;
    detail?: string;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    const attempts = init.attempts ?? 1;
    const answer = init.status === 0 ? 'no answer' : String(init.status);
    const detail = init.detail ? `: ${init.detail}` : '';
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    super(`${init.method} ${init.path} failed (${answer} ${init.code}${detail}) after ${tries}${init.retryable ? '; retryable' : ''}`, { cause: init.cause });
    this.name = 'ShopApiError';
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.method = init.method;
    this.path = init.path;
    this.attempts = attempts;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The same error, stamped with the number of attempts finally made. */
  withAttempts(attempts: number): ShopApiError {
    return new ShopApiError({
      status: this.status,
      code: this.code,
      retryable: this.retryable,
      method: this.method,
      path: this.path,
      detail: this.detail,
      retryAfterMs: this.retryAfterMs,
      attempts,
      cause: this.cause,
    });
  }
}

/** 408, 429 and 5xx are worth another try; every other 4xx is the caller's mistake and fails at once. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
