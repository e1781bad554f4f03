/** The personal identifiers of a buyer that cardlink receives from the shop. */
export const CONTACT_KINDS = ['buyerId', 'email', 'phone', 'ip', 'deviceId', 'paymentAccount', 'name'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * The comparable form of an identifier, so that a staff entry, a shop report
 * and an erasure request of the same contact meet: emails and IPs compare
 * case-insensitively, phones by their digits, everything else as given without
 * surrounding blanks. Undefined when nothing comparable is left.
 */
export function normaliseContact(kind: ContactKind, value: string): string | undefined {
  let normal: string;
  switch (kind) {
    case 'email':
    case 'ip':
      normal = value.trim().toLowerCase();
      break;
    case 'phone':
      normal = value.replace(/\D/g, '');
      break;
    case 'buyerId':
    case 'deviceId':
    case 'paymentAccount':
    case 'name':
      normal = value.normalize('NFC').trim();
      break;
  }
  return normal === '' ? undefined : normal;
}
