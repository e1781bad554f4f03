import { afterAttempt, channelsFor, isStaleMessage, retryDelayMs, SendFailure } from './delivery-policy';

const policy = { maxAttempts: 4, baseMs: 1000, maxMs: 5000 };

describe('delivery policy', () => {
  it('defaults to the shop, plus email when the buyer gave one; a product setting wins', () => {
    expect(channelsFor(null, { email: 'a@b.c', phone: null })).toEqual(['shop', 'email']);
    expect(channelsFor(null, { email: null, phone: '+8613800000000' })).toEqual(['shop']);
    expect(channelsFor(['sms', 'webhook', 'sms'], { email: 'a@b.c', phone: null })).toEqual(['sms', 'webhook']);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(policy, 1, () => 0.999)).toBe(999);
    expect(retryDelayMs(policy, 3, () => 0.999)).toBe(3996);
    expect(retryDelayMs(policy, 10, () => 0.999)).toBe(4995);
    expect(retryDelayMs(policy, 3, () => 0)).toBe(500);
  });

  it('fails fast on a permanent error, retries a transient one, gives up when attempts run out', () => {
    expect(afterAttempt(policy, 1, undefined)).toEqual({ status: 'succeeded' });
    expect(afterAttempt(policy, 1, new SendFailure('550 no such mailbox', true))).toEqual({ status: 'failed', permanent: true, reason: '550 no such mailbox' });
    expect(afterAttempt(policy, 2, new SendFailure('ECONNREFUSED', false), () => 0.5)).toEqual({ status: 'pending', retryInMs: 1000, reason: 'ECONNREFUSED' });
    expect(afterAttempt(policy, 2, new SendFailure('429', false, 30_000), () => 0.5)).toMatchObject({ retryInMs: 30_000 });
    expect(afterAttempt(policy, 4, new SendFailure('ECONNREFUSED', false))).toEqual({ status: 'failed', permanent: false, reason: 'ECONNREFUSED (gave up after 4 attempts)' });
  });

  it('withholds only email and SMS past the cut-off', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T02:00:00Z');
    expect(isStaleMessage('email', at, now, 3_600_000)).toBe(true);
    expect(isStaleMessage('sms', at, now, 3_600_000)).toBe(true);
    expect(isStaleMessage('shop', at, now, 3_600_000)).toBe(false);
    expect(isStaleMessage('email', at, now, 3 * 3_600_000)).toBe(false);
  });
});
