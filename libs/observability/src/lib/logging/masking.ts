/** What every redacted credential or card secret is replaced with in logs. */
export const REDACTED = '[redacted]';

const FULLY_MASKED = '***';

/**
 * Masks a buyer e-mail for logs and staff screens, keeping the first letter and the
 * domain so support can still tell contacts apart: 'alice@example.com' -> 'a***@example.com'.
 * Anything that is not a plausible address becomes '***'.
 */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.indexOf('@');
  if (at < 1 || at !== trimmed.lastIndexOf('@') || at === trimmed.length - 1) {
    return FULLY_MASKED;
  }
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  // A one-letter local part would be shown whole, so it is hidden completely.
  const shownLocal = local.length > 1 ? local[0] : '';
  return `${shownLocal}${FULLY_MASKED}@${domain}`;
}

/** Phones shorter than this would reveal too much of the number with 3 + 4 characters shown. */
const MIN_MASKABLE_PHONE_LENGTH = 11;

/**
 * Masks a buyer phone number, keeping the first 3 and last 4 characters:
 * '13812345678' -> '138****5678'. Numbers too short to hide at least four
 * characters become '***'.
 */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  if (trimmed.length < MIN_MASKABLE_PHONE_LENGTH) {
    return FULLY_MASKED;
  }
  return `${trimmed.slice(0, 3)}****${trimmed.slice(-4)}`;
}

/**
 * Masks a card secret for staff screens and audit trails, keeping the first and
 * last two characters so a card can be recognised without being usable.
 * Secrets of six characters or fewer are hidden completely.
 */
export function maskSecret(secret: string): string {
  if (secret.length <= 6) {
    return '****';
  }
  return `${secret.slice(0, 2)}****${secret.slice(-2)}`;
}
