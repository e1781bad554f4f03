import { signPickupLink, verifyPickupLink } from './pickup-link';
import { signReportToken, verifyReportToken } from './report-token';

const secret = 'a-pickup-secret-of-at-least-32-characters';
const now = new Date('2026-11-27T08:00:00Z');
const later = new Date('2026-11-27T08:30:00Z');

describe('report token', () => {
  it('names the order and how the buyer opened the page', () => {
    expect(verifyReportToken(secret, signReportToken(secret, 'order-1', 'code', later), now)).toEqual({ valid: true, orderId: 'order-1', via: 'code' });
  });

  it('refuses a changed, expired or foreign token', () => {
    const token = signReportToken(secret, 'order-1', 'link', later);
    expect(verifyReportToken(secret, token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), now)).toEqual({ valid: false, reason: 'tampered' });
    expect(verifyReportToken(secret, token, new Date('2026-11-27T09:00:00Z'))).toEqual({ valid: false, reason: 'expired' });
    expect(verifyReportToken('another-secret-of-at-least-32-characters', token, now)).toEqual({ valid: false, reason: 'tampered' });
  });

  it('is not a pickup link, and a pickup link is not a report token', () => {
    expect(verifyPickupLink(secret, signReportToken(secret, 'order-1', 'link', later), now)).toEqual({ valid: false, reason: 'tampered' });
    expect(verifyReportToken(secret, signPickupLink(secret, 'link:order-1', later), now)).toEqual({ valid: false, reason: 'tampered' });
  });
});
