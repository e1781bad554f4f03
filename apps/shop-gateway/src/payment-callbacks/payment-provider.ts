import type { EventData, PaymentReceived } from '@cardlink/contracts';

/** A payment the provider reports as made, in contract form. */
export type Payment = EventData<typeof PaymentReceived>;

/** What one verified callback says. */
export type CallbackReading =
  | { kind: 'paid'; payment: Payment }
  /** The trade exists but is not (yet) paid: acknowledged, nothing published. */
  | { kind: 'not-paid'; tradeNo: string; status: string };

export type CallbackOutcome = 'accepted' | 'duplicate' | 'ignored';

export interface CallbackReply {
  contentType: string;
  body: string;
}

/**
 * One payment provider's callback rules: its media type, its own signature
 * check and its own payload. Matching amount and currency to the order is
 * order-processing's job, not the adapter's.
 */
export interface PaymentProviderAdapter {
  /** The `:provider` path segment. */
  readonly name: string;
  readonly mediaType: string;
  /** Undefined when the signature holds, else why it does not. */
  signatureProblem(body: Buffer, header: (name: string) => string | undefined): string | undefined;
  /** Reads a verified body; throws InvalidCallbackBody naming the field. */
  read(body: Buffer): CallbackReading;
  /** The answer the provider expects once the callback is stored (or was before, or needs nothing). */
  reply(outcome: CallbackOutcome, eventId: string | undefined): CallbackReply;
}

/** A callback body that is not what the provider's rules promise; the message names the field. */
export class InvalidCallbackBody extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidCallbackBody';
  }
}
