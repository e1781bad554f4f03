import type { DeliveryChannel } from '@cardlink/contracts';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'withheld' | 'cancelled';

/** Channels that write to the buyer directly: these must not flood a buyer after an outage. */
export const MESSAGE_CHANNELS: ReadonlySet<DeliveryChannel> = new Set(['email', 'sms']);

export interface BuyerContacts {
  email: string | null;
  phone: string | null;
}

/**
 * The channels an order line goes through. A product without its own setting
 * goes to the shop's order page and, when the buyer gave an email, by email.
 * A configured email or SMS channel is kept even without a contact, so the
 * gap shows as a failed delivery instead of silence.
 */
export function channelsFor(configured: readonly DeliveryChannel[] | null, buyer: BuyerContacts): DeliveryChannel[] {
  if (configured && configured.length > 0) return [...new Set(configured)];
  return buyer.email ? ['shop', 'email'] : ['shop'];
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(policy.baseMs / 2, Math.floor(random() * ceiling));
}

/** Why a send did not work, and whether trying again can help. */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The other side asked us to wait at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}

export type AttemptDecision =
  | { status: 'succeeded' }
  | { status: 'failed'; permanent: boolean; reason: string }
  | { status: 'pending'; retryInMs: number; reason: string };

/** What becomes of a delivery after its attempt number `attempt` ended with `failure` (or succeeded). */
export function afterAttempt(policy: RetryPolicy, attempt: number, failure: SendFailure | undefined, random?: () => number): AttemptDecision {
  if (!failure) return { status: 'succeeded' };
  if (failure.permanent) return { status: 'failed', permanent: true, reason: failure.message };
  if (attempt >= policy.maxAttempts) return { status: 'failed', permanent: false, reason: `${failure.message} (gave up after ${attempt} attempts)` };
  return { status: 'pending', retryInMs: Math.max(retryDelayMs(policy, attempt, random), failure.retryAfterMs ?? 0), reason: failure.message };
}

/** An email or SMS about cards allocated longer ago than `maxAgeMs` is withheld: the buyer uses the pickup page instead. */
export function isStaleMessage(channel: DeliveryChannel, allocatedAt: Date, now: Date, maxAgeMs: number): boolean {
  return MESSAGE_CHANNELS.has(channel) && now.getTime() - allocatedAt.getTime() > maxAgeMs;
}
