import { createHmac } from 'node:crypto';
import { signPickupLink, verifyPickupLink } from './pickup-link';

export type ReportVia = 'link' | 'code';

export type ReportTokenCheck = { valid: true; orderId: string; via: ReportVia } | { valid: false; reason: 'malformed' | 'tampered' | 'expired' };

/** Its own key, derived from the pickup secret, so that a report token is never also a pickup link. */
function reportKey(secret: string): string {
  return createHmac('sha256', secret).update('pickup-report.v1').digest('base64url');
}

/**
 * What the cards page puts in its report forms: the order the buyer proved
 * they may see, how, and until when a report may be sent from that page.
 */
export function signReportToken(secret: string, orderId: string, via: ReportVia, expiresAt: Date): string {
  return signPickupLink(reportKey(secret), `${via}:${orderId}`, expiresAt);
}

export function verifyReportToken(secret: string, token: string, now: Date): ReportTokenCheck {
  const check = verifyPickupLink(reportKey(secret), token, now);
  if (!check.valid) return check;
  const match = /^(link|code):(.+)$/s.exec(check.orderId);
  if (!match?.[1] || !match[2]) return { valid: false, reason: 'malformed' };
  return { valid: true, via: match[1] as ReportVia, orderId: match[2] };
}
