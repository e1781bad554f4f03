import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { RecordBook } from './records';

export interface RetrySchedule {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time, capped at maxDelayMs, ±20 % jitter. */
  firstDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** Compressed from the Standard Webhooks schedule (5 s, 5 min, 30 min, …) so a demo sees retries within seconds. */
export const DEFAULT_SENDER_SCHEDULE: RetrySchedule = { maxAttempts: 8, firstDelayMs: 250, maxDelayMs: 8_000, timeoutMs: 10_000 };

export interface Delivery {
  acknowledged: boolean;
  attempts: number;
  /** Status of the last answer, 0 when none came. */
  status: number;
  /** When the first attempt left, ms since the epoch. */
  firstSentAt: number;
}

interface Attempt {
  status: number;
  error?: string;
}

async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return response.ok ? { status: response.status } : { status: response.status, error: text.slice(0, 300) };
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { status: 0, error: cause };
  }
}

/** Delivers until a 2xx arrives or the schedule is spent, like a real sender; every attempt goes into the record. */
abstract class RetryingSender {
  private closed = false;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  protected constructor(
    protected readonly schedule: RetrySchedule,
    private readonly random: () => number,
  ) {}

  /** Stops waiting between attempts; deliveries in progress end unacknowledged. */
  close(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }

  protected async deliver(attempt: (n: number) => Promise<Attempt>): Promise<Delivery> {
    const firstSentAt = Date.now();
    let last: Attempt = { status: 0 };
    for (let n = 1; n <= this.schedule.maxAttempts && !this.closed; n += 1) {
      last = await attempt(n);
      if (last.status >= 200 && last.status < 300) return { acknowledged: true, attempts: n, status: last.status, firstSentAt };
      if (n < this.schedule.maxAttempts) await this.wait(n);
    }
    return { acknowledged: false, attempts: this.schedule.maxAttempts, status: last.status, firstSentAt };
  }

  private wait(n: number): Promise<void> {
    const base = Math.min(this.schedule.maxDelayMs, this.schedule.firstDelayMs * 2 ** (n - 1));
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, delay),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}

/**
 * The shop's webhooks to shop-gateway (`POST {gateway}/webhooks/shop`),
 * signed by the Standard Webhooks scheme. The webhook id stays the same on
 * every retry (the receiver deduplicates by it); the timestamp and signature
 * are made anew for each attempt, as real senders do.
 */
export class WebhookSender extends RetryingSender {
  private readonly signer: Webhook;

  constructor(
    private readonly gatewayUrl: string,
    secret: string,
    private readonly records: RecordBook,
    schedule: RetrySchedule = DEFAULT_SENDER_SCHEDULE,
    random: () => number = Math.random,
  ) {
    super(schedule, random);
    this.signer = new Webhook(secret);
  }

  send(webhookId: string, type: string, subject: string, data: unknown): Promise<Delivery> {
    const url = `${this.gatewayUrl.replace(/\/+$/, '')}/webhooks/shop`;
    return this.deliver(async (attempt) => {
      const sentAt = new Date();
      const body = JSON.stringify({ type, timestamp: sentAt.toISOString(), data });
      const headers = {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': this.signer.sign(webhookId, sentAt, body),
      };
      const result = await post(url, headers, body, this.schedule.timeoutMs);
      const acknowledged = result.status >= 200 && result.status < 300;
      this.records.add({ kind: 'webhook', webhookId, type, subject, attempt, status: result.status, acknowledged, ...(result.error ? { error: result.error } : {}) });
      return result;
    });
  }
}

/** The body the simulator's payment provider sends; see apps/shop-gateway/src/payment-callbacks/simulator-provider.ts. */
export interface PaymentCallback {
  tradeNo: string;
  shopOrderId: string;
  status: 'paid';
  amount: number;
  currency: string;
  payerAccount?: string;
  paidAt: string;
}

/** The payment provider's asynchronous notification: `x-provider-signature: hex(HMAC-SHA256(body, secret))`. */
export class PaymentCallbackSender extends RetryingSender {
  constructor(
    private readonly gatewayUrl: string,
    private readonly secret: string,
    private readonly records: RecordBook,
    schedule: RetrySchedule = DEFAULT_SENDER_SCHEDULE,
    random: () => number = Math.random,
  ) {
    super(schedule, random);
  }

  static sign(body: string, secret: string): string {
    return createHmac('sha256', secret).update(body).digest('hex');
  }

  send(callback: PaymentCallback): Promise<Delivery> {
    const url = `${this.gatewayUrl.replace(/\/+$/, '')}/callbacks/payments/simulator`;
    const body = JSON.stringify(callback);
    const headers = { 'content-type': 'application/json', 'x-provider-signature': PaymentCallbackSender.sign(body, this.secret) };
    return this.deliver(async (attempt) => {
      const result = await post(url, headers, body, this.schedule.timeoutMs);
      const acknowledged = result.status >= 200 && result.status < 300;
      this.records.add({
        kind: 'callback',
        tradeNo: callback.tradeNo,
        shopOrderId: callback.shopOrderId,
        attempt,
        status: result.status,
        acknowledged,
        ...(result.error ? { error: result.error } : {}),
      });
      return result;
    });
  }
}
