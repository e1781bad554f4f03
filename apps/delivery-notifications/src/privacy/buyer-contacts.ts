import { personalData } from '@cardlink/personal-data';

/** Where a buyer contact is kept in this schema; the purpose binds the sealed value to its column. */
const PURPOSES = { email: 'delivery.buyer_orders.email', phone: 'delivery.buyer_orders.phone' } as const;
export type DeliveryContact = keyof typeof PURPOSES;

/** Seals the address cards are sent to before it is stored (buyer_orders.email / phone). */
export function sealContact(kind: DeliveryContact, value: string | null | undefined): string | null {
  return personalData().sealOptional(value, PURPOSES[kind]);
}

/** Opens a stored address for sending or for a masked view; a row stored before protection is read as it is. */
export function openContact(kind: DeliveryContact, stored: string | null | undefined): string | null {
  return personalData().openOptional(stored, PURPOSES[kind]);
}

/** What pickup_audit keeps of a visitor's IP: a match key, enough for the per-IP rate limit. */
export function visitorIpKey(ip: string): string {
  return personalData().matchKey('ip', ip) ?? 'unknown';
}
