import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { isRetryableStatus, ShopApiError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How calls are retried; shared by the shop client and the SMS provider client. */
export interface RetryPolicy {
  /** Per-attempt timeout, including reading the body. */
  timeoutMs: number;
  /** Attempts per call, the first included (the retry budget). */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt (full jitter: a random wait up to the ceiling). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is not waited out: the call fails (retryable) so the caller can reschedule. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 5_000,
  maxAttempts: 5,
  backoffBaseMs: 200,
  backoffMaxMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/** The default policy with whatever the caller set (undefined fields keep their default). */
export function resolveRetryPolicy(options: Partial<RetryPolicy>): RetryPolicy {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    backoffBaseMs: options.backoffBaseMs ?? DEFAULT_RETRY_POLICY.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? DEFAULT_RETRY_POLICY.backoffMaxMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

/** Seams for tests and for callers with their own clock or fetch. */
export interface HttpEngineHooks {
  fetch?: typeof fetch;
  /** In [0, 1); the jitter source. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Supplies the Authorization header; `invalidate` is called with a token the server rejected as invalid_token. */
export interface Authorizer {
  authorization(): Promise<string>;
  invalidate?(authorization: string): void;
}

export interface CallOptions {
  /** Sent on POST/PUT/PATCH and kept across retries; a fresh UUID when absent. Pass your own to make the call idempotent across restarts. */
  idempotencyKey?: string;
  /** Cancels the call, including any wait between attempts. */
  signal?: AbortSignal;
}

export interface RequestSpec<T> extends CallOptions {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  /** Parses a JSON answer; absent means the answer is returned as text. */
  schema?: z.ZodType<T>;
  /** Without it the request carries no Authorization header (the token endpoint itself). */
  authorizer?: Authorizer;
  /** Override the engine's policy for this call (the token endpoint makes one attempt; the outer call retries). */
  maxAttempts?: number;
}

const MUTATING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH']);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
}

function describeBody(text: string): { code?: string; detail?: string } {
  try {
    const body = JSON.parse(text) as ErrorBody;
    return {
      code: typeof body.error === 'string' ? body.error : undefined,
      detail: typeof body.message === 'string' ? body.message : undefined,
    };
  } catch {
    return { detail: text ? text.slice(0, 200) : undefined };
  }
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * One HTTP call with the shop's manners: a timeout per attempt, retries with
 * exponential backoff and full jitter on 5xx, network errors and timeouts,
 * Retry-After on 429, one token refresh on 401 invalid_token, and the same
 * Idempotency-Key on every attempt of a mutating call.
 */
export class HttpEngine {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    baseUrl: string,
    readonly policy: RetryPolicy,
    hooks: HttpEngineHooks = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetchImpl = hooks.fetch ?? ((input, init) => fetch(input, init));
    this.random = hooks.random ?? Math.random;
    this.sleep = hooks.sleep ?? defaultSleep;
  }

  async request<T = string>(spec: RequestSpec<T>): Promise<T> {
    const idempotencyKey = MUTATING.has(spec.method) ? (spec.idempotencyKey ?? randomUUID()) : undefined;
    const maxAttempts = Math.max(1, spec.maxAttempts ?? this.policy.maxAttempts);
    let tokenRefreshed = false;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const outcome = await this.attempt(spec, idempotencyKey, attempt);
      if (outcome.ok) return outcome.value;
      const error = outcome.error;
      if (outcome.invalidToken && !tokenRefreshed) {
        // An expired or revoked token is our state, not the shop's fault: refresh once, without spending the budget.
        tokenRefreshed = true;
        attempt -= 1;
        continue;
      }
      if (!error.retryable || attempt >= maxAttempts) throw error.withAttempts(attempt);
      let delay: number;
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > this.policy.maxRetryAfterMs) throw error.withAttempts(attempt);
        delay = error.retryAfterMs;
      } else {
        const ceiling = Math.min(this.policy.backoffMaxMs, this.policy.backoffBaseMs * 2 ** (attempt - 1));
        delay = Math.floor(this.random() * ceiling);
      }
      try {
        await this.sleep(delay, spec.signal);
      } catch (cause) {
        throw this.aborted(spec, attempt, cause);
      }
    }
  }

  private url(spec: RequestSpec<unknown>): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
  }

  private aborted(spec: RequestSpec<unknown>, attempts: number, cause: unknown): ShopApiError {
    return new ShopApiError({ status: 0, code: 'aborted', retryable: false, method: spec.method, path: spec.path, attempts, detail: 'cancelled by the caller', cause });
  }

  private async attempt<T>(
    spec: RequestSpec<T>,
    idempotencyKey: string | undefined,
    attempt: number,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ShopApiError; invalidToken: boolean }> {
    const { method, path } = spec;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('timeout')), this.policy.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout.signal]) : timeout.signal;
    let authorization: string | undefined;
    try {
      const headers: Record<string, string> = { accept: spec.schema ? 'application/json' : '*/*' };
      if (spec.authorizer) {
        // The token may be shared with other calls, so it is not cancelled; this call just stops waiting for it.
        authorization = await untilAborted(spec.authorizer.authorization(), signal);
        headers['authorization'] = authorization;
      }
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      let body: string | undefined;
      if (spec.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(spec.form).toString();
      } else if (spec.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(spec.json);
      }
      const response = await this.fetchImpl(this.url(spec), { method, headers, body, signal });
      const text = await response.text();
      if (response.ok) return { ok: true, value: this.parse(spec, response.status, text) };

      const { code, detail } = describeBody(text);
      const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      const error = new ShopApiError({
        status: response.status,
        code: code ?? STATUS_CODES[response.status] ?? (response.status >= 500 ? 'server_error' : 'http_error'),
        retryable: isRetryableStatus(response.status),
        method,
        path,
        detail,
        retryAfterMs,
      });
      const invalidToken = response.status === 401 && code === 'invalid_token' && spec.authorizer !== undefined;
      if (invalidToken && authorization) spec.authorizer?.invalidate?.(authorization);
      return { ok: false, error, invalidToken };
    } catch (cause) {
      if (spec.signal?.aborted) throw this.aborted(spec, attempt, cause);
      if (timeout.signal.aborted) {
        return {
          ok: false,
          error: new ShopApiError({ status: 0, code: 'timeout', retryable: true, method, path, detail: `no complete answer within ${this.policy.timeoutMs} ms`, cause }),
          invalidToken: false,
        };
      }
      if (cause instanceof ShopApiError) {
        // From the token call or from parsing the answer: keep its code, report it against this call.
        return { ok: false, error: cause, invalidToken: false };
      }
      const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
      return { ok: false, error: new ShopApiError({ status: 0, code: 'network_error', retryable: true, method, path, detail: reason, cause }), invalidToken: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private parse<T>(spec: RequestSpec<T>, status: number, text: string): T {
    if (!spec.schema) return text as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ShopApiError({ status, code: 'invalid_response', retryable: false, method: spec.method, path: spec.path, detail: 'the answer is not JSON' });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new ShopApiError({ status, code: 'invalid_response', retryable: false, method: spec.method, path: spec.path, detail: `unexpected answer: ${issues}` });
    }
    return parsed.data;
  }
}
