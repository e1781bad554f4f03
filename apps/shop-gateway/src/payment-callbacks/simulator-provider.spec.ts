import { InboundRejected } from '../inbound/inbound-request';
import { InvalidCallbackBody } from './payment-provider';
import { SIGNATURE_HEADER, SimulatorProvider } from './simulator-provider';

const SECRET = 'simulator-provider-secret-0123456789abcdef';
const provider = new SimulatorProvider(SECRET);

const paid = { tradeNo: 'T2025030100001', shopOrderId: 'LD20250301000123', status: 'paid', amount: 9_700, currency: 'CNY', paidAt: '2025-03-01T10:01:00Z' };

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

function readReason(body: unknown): string {
  try {
    provider.read(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
  } catch (error) {
    if (error instanceof InvalidCallbackBody || error instanceof InboundRejected) return error.message;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('SimulatorProvider', () => {
  const body = Buffer.from(JSON.stringify(paid));

  it('accepts the hex HMAC-SHA256 of the body, in either letter case', () => {
    const signature = SimulatorProvider.sign(body, SECRET);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(provider.signatureProblem(body, headers({ [SIGNATURE_HEADER]: signature }))).toBeUndefined();
    expect(provider.signatureProblem(body, headers({ [SIGNATURE_HEADER]: signature.toUpperCase() }))).toBeUndefined();
  });

  it('refuses a missing, malformed, foreign or stale signature', () => {
    expect(provider.signatureProblem(body, headers({}))).toBe('missing header: x-provider-signature');
    expect(provider.signatureProblem(body, headers({ [SIGNATURE_HEADER]: 'abc' }))).toBe('x-provider-signature must be 64 hex digits');
    expect(provider.signatureProblem(body, headers({ [SIGNATURE_HEADER]: SimulatorProvider.sign(body, `${SECRET}x`) }))).toBe(
      'x-provider-signature does not match the body',
    );
    const changed = Buffer.from(JSON.stringify({ ...paid, amount: 1 }));
    expect(provider.signatureProblem(changed, headers({ [SIGNATURE_HEADER]: SimulatorProvider.sign(body, SECRET) }))).toBe(
      'x-provider-signature does not match the body',
    );
  });

  it('reads a paid trade as a PaymentReceived payload', () => {
    expect(provider.read(body)).toEqual({
      kind: 'paid',
      payment: { provider: 'simulator', tradeNo: paid.tradeNo, shopOrderId: paid.shopOrderId, amount: 9_700, currency: 'CNY', paidAt: paid.paidAt },
    });
  });

  it('reads any other trade status as not paid, to be acknowledged without an event', () => {
    expect(provider.read(Buffer.from(JSON.stringify({ ...paid, status: 'closed' })))).toEqual({ kind: 'not-paid', tradeNo: paid.tradeNo, status: 'closed' });
  });

  it('names the field that breaks the rules', () => {
    expect(readReason({ ...paid, tradeNo: undefined })).toBe('tradeNo: required');
    expect(readReason({ ...paid, status: 1 })).toBe('status: required, e.g. "paid"');
    expect(readReason({ ...paid, amount: 97.5 })).toMatch(/^amount: /);
    expect(readReason({ ...paid, shopOrderId: undefined })).toMatch(/^shopOrderId: /);
    expect(readReason([paid])).toBe('the body must be a JSON object');
    expect(readReason('{"tradeNo": ')).toMatch(/^malformed JSON: /);
  });

  it('answers the simulator with JSON', () => {
    expect(provider.reply('accepted', 'e-1')).toEqual({ contentType: 'application/json', body: '{"status":"accepted","eventId":"e-1"}' });
    expect(provider.reply('ignored', undefined)).toEqual({ contentType: 'application/json', body: '{"status":"ignored"}' });
  });
});
