import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A pickup link names an order and an expiry, signed with HMAC-SHA256, so it
 * cannot be made up, changed or used after it expires. Format:
 * base64url(orderId) "." expiry-in-unix-seconds "." base64url(hmac).
 */
export type LinkCheck = { valid: true; orderId: string; expiresAt: Date } | { valid: false; reason: 'malformed' | 'tampered' | 'expired' };

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`pickup-link.v1:${payload}`).digest();
}

export function signPickupLink(secret: string, orderId: string, expiresAt: Date): string {
  const payload = `${Buffer.from(orderId).toString('base64url')}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export function verifyPickupLink(secret: string, token: string, now: Date): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^\d{1,12}$/.test(parts[1]) || !/^[A-Za-z0-9_-]{43}$/.test(parts[2])) {
    return { valid: false, reason: 'malformed' };
  }
  const payload = `${parts[0]}.${parts[1]}`;
  // Compared as text: base64url's last character carries two unused bits, so a decoded comparison would take a changed character for the original.
  if (!timingSafeEqual(Buffer.from(mac(secret, payload).toString('base64url')), Buffer.from(parts[2]))) return { valid: false, reason: 'tampered' };
  const expiresAt = new Date(Number(parts[1]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, orderId: Buffer.from(parts[0], 'base64url').toString('utf8'), expiresAt };
}
