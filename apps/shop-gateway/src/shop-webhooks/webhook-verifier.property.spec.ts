import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { InboundRejected } from '../inbound/inbound-request';
import { parseJsonBody } from '../inbound/json-body';
import { AlipayProvider } from '../payment-callbacks/alipay-provider';
import { ALIPAY_APP_ID, fakeAlipay, paidTrade } from '../payment-callbacks/alipay.fixture';
import { InvalidCallbackBody } from '../payment-callbacks/payment-provider';
import { SimulatorProvider } from '../payment-callbacks/simulator-provider';
import { EVENT_SAMPLES_FOR_TESTS } from './samples.fixture';
import { InvalidWebhookBody, toContractEvent } from './shop-webhook-events';
import { ShopSignature } from './shop-signature';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const signature = new ShopSignature([SECRET]);
const nowSeconds = () => Math.floor(Date.now() / 1000);

const INJECTIONS = ["'; DROP TABLE receipt; --", '<script>alert(1)</script>', '" onmouseover="x', '1 OR 1=1', '${7*7}', '\u202e\u0000'];
const text = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...INJECTIONS));
const header = fc.option(fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('v1,', 'v1,AAAA', `v1,${'A'.repeat(44)}`, '0', '-1', '1e3', 'NaN')), { nil: undefined });

function sign(id: string, seconds: number, body: string | Buffer, secret = SECRET) {
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': new Webhook(secret).sign(id, new Date(seconds * 1000), body.toString()) };
}

/** JSON nested `depth` levels deep in arrays and objects. */
function deeplyNested(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

describe('the shop webhook signature under generated input', () => {
  it('never throws and never accepts headers it did not sign, whatever the body and headers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), header, header, header, (body, id, timestamp, sig) => {
        const check = signature.check(Buffer.from(body), { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sig });
        expect(check.valid).toBe(false);
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts a genuine signature and refuses it once one byte of the body, the id or the secret differs', () => {
    const utf8Body = fc.string({ unit: 'binary', minLength: 1, maxLength: 500 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
    fc.assert(
      fc.property(utf8Body, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/), (bytes, at, flip, id) => {
        const body = Buffer.from(bytes);
        const headers = sign(id, nowSeconds(), body);
        expect(signature.check(body, headers)).toEqual({ valid: true, webhookId: id });
        const tampered = Buffer.from(body);
        const i = at % tampered.length;
        tampered[i] = (tampered[i] as number) ^ flip;
        expect(signature.check(tampered, headers)).toMatchObject({ valid: false, outcome: 'rejected_signature' });
        expect(signature.check(body, { ...headers, 'webhook-id': `${id}x` })).toMatchObject({ valid: false, outcome: 'rejected_signature' });
        expect(signature.check(body, sign(id, nowSeconds(), body, OTHER_SECRET))).toMatchObject({ valid: false, outcome: 'rejected_signature' });
      }),
      { numRuns: 1_000 },
    );
  });

  it('binds the signature to the exact bytes: a body that is not UTF-8 is refused, even with a signature over its decoded text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0x80, max: 0xff }), (prefix, invalid) => {
        // A lone continuation or lead byte at the end is never valid UTF-8; it decodes to U+FFFD like the literal EF BF BD would.
        const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(prefix.filter((b) => b < 0x80)), Buffer.from([invalid]), Buffer.from('"}')]);
        const lookalike = Buffer.from(body.toString('utf8'), 'utf8');
        const headers = sign('msg_bytes', nowSeconds(), body);
        expect(signature.check(body, headers)).toMatchObject({ valid: false, outcome: 'rejected_signature' });
        expect(signature.check(lookalike, headers)).toEqual({ valid: true, webhookId: 'msg_bytes' });
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses a genuine signature that is stale or from the future by more than five minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 301, max: 10 * 365 * 86_400 }), fc.boolean(), (skew, past) => {
        const body = Buffer.from('{"type":"order.paid"}');
        const headers = sign('msg_replayed', nowSeconds() + (past ? -skew : skew), body);
        expect(signature.check(body, headers)).toMatchObject({ valid: false, outcome: 'rejected_timestamp' });
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('webhook bodies under generated input', () => {
  function refusalOf(parse: () => unknown): unknown {
    try {
      parse();
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it('parses any bytes to JSON or refuses them with a 400 that never quotes the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 1_000 }), fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(`{"email":"li.wei@example.com","x":${s}`))), (bytes) => {
        const error = refusalOf(() => parseJsonBody(Buffer.from(bytes)));
        if (error === undefined) return;
        expect(error).toBeInstanceOf(InboundRejected);
        expect((error as InboundRejected).getStatus()).toBe(400);
        expect((error as InboundRejected).reason).not.toContain('li.wei@example.com');
      }),
      { numRuns: 3_000 },
    );
  });

  it('turns any JSON value into a contract event or refuses it naming the problem, huge and deeply nested ones included', () => {
    const anyJson = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({ type: fc.constantFrom('order.created', 'order.paid', 'order.cancelled', 'order.refunded', 'product.updated', 'order.paid ', '__proto__', 'constructor'), data: fc.jsonValue({ maxDepth: 5 }) }),
      fc.integer({ min: 1, max: 5_000 }).map((depth) => JSON.parse(deeplyNested(depth)) as unknown),
      fc.constant({ type: 'order.paid', data: { ...EVENT_SAMPLES_FOR_TESTS.paid, filler: 'x'.repeat(200_000) } }),
    );
    fc.assert(
      fc.property(anyJson, (payload) => {
        const error = refusalOf(() => toContractEvent(payload));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(InvalidWebhookBody);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps injection strings in text fields as data: the event carries them unchanged', () => {
    fc.assert(
      fc.property(text, text, text, (shopOrderId, lineId, reason) => {
        fc.pre(shopOrderId.trim().length > 0 && lineId.trim().length > 0);
        const paid = EVENT_SAMPLES_FOR_TESTS.paid;
        const payload = { type: 'order.paid', data: { ...paid, order: { ...paid.order, shopOrderId, lines: paid.order.lines.map((l) => ({ ...l, lineId })) } } };
        const error = refusalOf(() => toContractEvent(payload));
        if (error !== undefined) return expect(error).toBeInstanceOf(InvalidWebhookBody);
        const event = toContractEvent(payload);
        expect(event.subject).toBe(shopOrderId);
        const cancelled = refusalOf(() => toContractEvent({ type: 'order.cancelled', data: { ...EVENT_SAMPLES_FOR_TESTS.cancelled, reason } }));
        if (cancelled !== undefined) expect(cancelled).toBeInstanceOf(InvalidWebhookBody);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('payment callbacks under generated input', () => {
  const simulator = new SimulatorProvider('provider-secret');
  const alipay = fakeAlipay();
  const alipayProvider = new AlipayProvider(ALIPAY_APP_ID, alipay.publicKeyBase64);

  function readOrRefuse(provider: SimulatorProvider | AlipayProvider, body: Buffer): void {
    try {
      provider.read(body);
    } catch (error) {
      if (!(error instanceof InvalidCallbackBody) && !(error instanceof InboundRejected)) throw error;
    }
  }

  it('the simulator provider never accepts an unsigned or wrongly signed body and reads any body without crashing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_000 }), fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/)), { nil: undefined }), (bytes, given) => {
        const body = Buffer.from(bytes);
        const problem = simulator.signatureProblem(body, (name) => (name === 'x-provider-signature' ? given : undefined));
        expect(problem === undefined).toBe(given !== undefined && given.toLowerCase() === SimulatorProvider.sign(body, 'provider-secret'));
        readOrRefuse(simulator, body);
      }),
      { numRuns: 3_000 },
    );
  });

  it('Alipay notifications: any form is refused unless signed by Alipay for this app, and reading one never crashes', () => {
    const field = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...INJECTIONS, '97.00', '1e3', '-1', '2025-02-30 25:61:00', 'TRADE_SUCCESS', ''));
    const form = fc.dictionary(fc.constantFrom('trade_no', 'trade_status', 'total_amount', 'gmt_payment', 'out_trade_no', 'buyer_logon_id', 'app_id', 'sign', 'sign_type', 'x'), field);
    fc.assert(
      fc.property(form, (fields) => {
        const body = Buffer.from(new URLSearchParams(fields).toString());
        expect(alipayProvider.signatureProblem(body)).toEqual(expect.any(String));
        readOrRefuse(alipayProvider, body);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(field, field, (tradeNo, amount) => {
        const signed = Buffer.from(alipay.notification(paidTrade({ trade_no: tradeNo, total_amount: amount })));
        expect(alipayProvider.signatureProblem(signed)).toBeUndefined();
        readOrRefuse(alipayProvider, signed);
      }),
      { numRuns: 300 },
    );
  });
});
