import { normaliseContact } from '@cardlink/personal-data';

/** The identifiers of a buyer that lists and velocity counters key on. */
export const IDENTITY_FIELDS = ['buyerId', 'email', 'phone', 'ip', 'deviceId', 'paymentAccount'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export type Identity = { readonly buyerId: string } & { readonly [F in Exclude<IdentityField, 'buyerId'>]?: string };

/**
 * The comparable form of an identifier: emails compare case-insensitively
 * (A.Buyer@Example.com is a.buyer@example.com), phones by their digits
 * (+86 138-0013-8000 is 8613800138000), IPs case-insensitively (IPv6 hex);
 * every other identifier is compared as given (NFC), without surrounding
 * blanks. The same rules make match keys (libs/personal-data), so a list entry
 * and an erasure request of one contact meet. Undefined when nothing comparable is left.
 */
export function normaliseIdentifier(field: IdentityField, value: string): string | undefined {
  return normaliseContact(field, value);
}
