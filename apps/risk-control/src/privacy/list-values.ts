import { maskEmail, maskPhone } from '@cardlink/observability';
import { personalData } from '@cardlink/personal-data';
import type { IdentityField } from '../lists/identifiers';

/**
 * What list_entries keeps of a staff entry's identifier: its match key (a
 * keyed HMAC of the normalised value), so the table holds no contact, and a
 * masked form to show. Lookups compute the match keys of an order's
 * identifiers and compare like with like.
 */
export function storedListValue(field: IdentityField, normalised: string): { value: string; masked: string } {
  return { value: personalData().matchKey(field, normalised) ?? normalised, masked: maskListValue(field, normalised) };
}

/** The values to look an identifier up by: its match key and, for entries stored before protection, the value itself. */
export function listLookupValues(field: IdentityField, normalised: string): string[] {
  const key = personalData().matchKey(field, normalised);
  return key === undefined || key === normalised ? [normalised] : [key, normalised];
}

function maskListValue(field: IdentityField, value: string): string {
  switch (field) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'buyerId':
    case 'ip':
    case 'deviceId':
    case 'paymentAccount':
      return value.length <= 4 ? '***' : `${value.slice(0, 2)}***${value.slice(-2)}`;
  }
}
