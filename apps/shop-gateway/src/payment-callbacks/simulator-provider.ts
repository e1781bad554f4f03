import { createHmac, timingSafeEqual } from 'node:crypto';
import { ContractViolation, PaymentReceived, validateEventData } from '@cardlink/contracts';
import { parseJsonBody } from '../inbound/json-body';
import { InvalidCallbackBody, type CallbackOutcome, type CallbackReading, type CallbackReply, type PaymentProviderAdapter } from './payment-provider';

export const SIGNATURE_HEADER = 'x-provider-signature';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * The simulator's payment provider (tools/, demo and end-to-end tests): a JSON
 * body `{tradeNo, shopOrderId, status, amount, currency, payerAccount?, paidAt}`
 * signed with `x-provider-signature: hex(HMAC-SHA256(body, secret))`. Only
 * `status: "paid"` is a payment; any other status is acknowledged and ignored.
 */
export class SimulatorProvider implements PaymentProviderAdapter {
  readonly name = 'simulator';
  readonly mediaType = 'application/json';

  constructor(private readonly secret: string) {}

  /** How the simulator signs; exported for the simulator and tests. */
  static sign(body: string | Buffer, secret: string): string {
    return createHmac('sha256', secret).update(body).digest('hex');
  }

  signatureProblem(body: Buffer, header: (name: string) => string | undefined): string | undefined {
    const given = header(SIGNATURE_HEADER);
    if (!given) return `missing header: ${SIGNATURE_HEADER}`;
    if (!HEX_SHA256.test(given)) return `${SIGNATURE_HEADER} must be 64 hex digits`;
    const expected = createHmac('sha256', this.secret).update(body).digest();
    return timingSafeEqual(Buffer.from(given, 'hex'), expected) ? undefined : `${SIGNATURE_HEADER} does not match the body`;
  }

  read(body: Buffer): CallbackReading {
    const payload = parseJsonBody(body);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new InvalidCallbackBody('the body must be a JSON object');
    }
    const { status, tradeNo, shopOrderId, amount, currency, payerAccount, paidAt } = payload as Record<string, unknown>;
    if (typeof tradeNo !== 'string' || tradeNo === '') throw new InvalidCallbackBody('tradeNo: required');
    if (typeof status !== 'string') throw new InvalidCallbackBody('status: required, e.g. "paid"');
    if (status !== 'paid') return { kind: 'not-paid', tradeNo, status };
    try {
      const payment = validateEventData(PaymentReceived, { provider: this.name, tradeNo, shopOrderId, amount, currency, payerAccount, paidAt });
      return { kind: 'paid', payment };
    } catch (error) {
      if (error instanceof ContractViolation) throw new InvalidCallbackBody(error.issues.join('; '));
      throw error;
    }
  }

  reply(outcome: CallbackOutcome, eventId: string | undefined): CallbackReply {
    return { contentType: 'application/json', body: JSON.stringify({ status: outcome, ...(eventId ? { eventId } : {}) }) };
  }
}
