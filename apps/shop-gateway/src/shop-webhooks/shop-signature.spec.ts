import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ShopSignature } from './shop-signature';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function headersFor(key: string, body: string, at = new Date(), id = 'msg_1') {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, at, body),
  };
}

describe('ShopSignature', () => {
  const current = secret();
  const next = secret();
  const signature = new ShopSignature([current, next]);
  const body = '{"type":"order.cancelled","data":{}}';

  it('accepts a signature made with any configured secret and returns the webhook id', () => {
    expect(signature.check(Buffer.from(body), headersFor(current, body))).toEqual({ valid: true, webhookId: 'msg_1' });
    expect(signature.check(Buffer.from(body), headersFor(next, body))).toEqual({ valid: true, webhookId: 'msg_1' });
  });

  it('accepts one of several space-separated signatures (the shop signs with old and new key)', () => {
    const headers = headersFor(next, body);
    const other = headersFor(secret(), body)['webhook-signature'];
    expect(signature.check(Buffer.from(body), { ...headers, 'webhook-signature': `${other} ${headers['webhook-signature']}` }).valid).toBe(true);
  });

  it('refuses another secret, another id and other bytes', () => {
    expect(signature.check(Buffer.from(body), headersFor(secret(), body))).toMatchObject({ valid: false, outcome: 'rejected_signature' });
    expect(signature.check(Buffer.from(body), { ...headersFor(current, body), 'webhook-id': 'msg_2' })).toMatchObject({ valid: false });
    expect(signature.check(Buffer.from(`${body} `), headersFor(current, body))).toMatchObject({ valid: false });
  });

  it('names missing headers', () => {
    expect(signature.check(Buffer.from(body), { 'webhook-id': 'msg_1' })).toEqual({
      valid: false,
      outcome: 'rejected_signature',
      reason: 'missing header(s): webhook-timestamp, webhook-signature',
    });
  });

  it('tolerates 300 s of clock skew either way and says whether a timestamp is stale or in the future', () => {
    const now = Date.now();
    expect(signature.check(Buffer.from(body), headersFor(current, body, new Date(now - 290_000))).valid).toBe(true);
    expect(signature.check(Buffer.from(body), headersFor(current, body, new Date(now + 290_000))).valid).toBe(true);
    expect(signature.check(Buffer.from(body), headersFor(current, body, new Date(now - 310_000)))).toMatchObject({
      outcome: 'rejected_timestamp',
      reason: expect.stringMatching(/^stale: /),
    });
    expect(signature.check(Buffer.from(body), headersFor(current, body, new Date(now + 310_000)))).toMatchObject({
      outcome: 'rejected_timestamp',
      reason: expect.stringMatching(/^future: /),
    });
  });

  it('refuses a timestamp that is not a number', () => {
    expect(signature.check(Buffer.from(body), { ...headersFor(current, body), 'webhook-timestamp': 'yesterday' })).toMatchObject({
      outcome: 'rejected_timestamp',
      reason: 'webhook-timestamp must be Unix time in seconds',
    });
  });
});
