import { createHmac } from 'node:crypto';

/**
 * The form two imports of the same card share: Unicode NFC, no leading or
 * trailing whitespace, inner whitespace runs as one space. Case is kept on
 * purpose: card codes and passwords are usually case-sensitive (`aB3x` and
 * `ab3x` are different cards), so folding case would reject genuine cards as
 * duplicates.
 */
export function normaliseSecret(secret: string): string {
  return secret.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/**
 * A keyed fingerprint of a card secret for duplicate detection. Keyed (HMAC)
 * so that a leaked table cannot be brute-forced against guessed codes without
 * the key as well.
 */
export function fingerprint(secret: string, hmacKey: Buffer): Buffer {
  if (hmacKey.length < 32) throw new RangeError('the fingerprint key must have at least 32 bytes');
  return createHmac('sha256', hmacKey).update(normaliseSecret(secret), 'utf8').digest();
}
