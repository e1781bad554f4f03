import { signPickupLink, verifyPickupLink } from './pickup-link';

const SECRET = 'a-pickup-link-secret-of-32-chars!!';
const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-08T00:00:00Z');

describe('pickup links', () => {
  it('opens for its order until it expires', () => {
    const token = signPickupLink(SECRET, 'order-1', later);
    expect(verifyPickupLink(SECRET, token, now)).toEqual({ valid: true, orderId: 'order-1', expiresAt: later });
    expect(verifyPickupLink(SECRET, token, new Date(later.getTime() + 1000))).toEqual({ valid: false, reason: 'expired' });
  });

  it('refuses a changed order, a moved expiry, another key and garbage', () => {
    const [, expiry, mac] = signPickupLink(SECRET, 'order-1', later).split('.');
    expect(verifyPickupLink(SECRET, `${Buffer.from('order-2').toString('base64url')}.${expiry}.${mac}`, now)).toEqual({ valid: false, reason: 'tampered' });
    const [order] = signPickupLink(SECRET, 'order-1', later).split('.');
    expect(verifyPickupLink(SECRET, `${order}.${Number(expiry) + 86_400}.${mac}`, now)).toEqual({ valid: false, reason: 'tampered' });
    expect(verifyPickupLink('another-secret-another-secret-xx', signPickupLink(SECRET, 'order-1', later), now)).toEqual({ valid: false, reason: 'tampered' });
    expect(verifyPickupLink(SECRET, 'not-a-link', now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('refuses every one-character change of the signature, the unused bits of its last character included', () => {
    const token = signPickupLink(SECRET, 'order-1', later);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signatureStart = token.lastIndexOf('.') + 1;
    const accepted: string[] = [];
    for (let i = signatureStart; i < token.length; i += 1) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        const changed = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
        if (verifyPickupLink(SECRET, changed, now).valid) accepted.push(changed);
      }
    }
    expect(accepted).toEqual([]);
  });
});
