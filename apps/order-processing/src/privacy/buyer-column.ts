import type { ValueTransformer } from 'typeorm';
import type { Buyer } from '@cardlink/contracts';
import { personalData, type ContactKind } from '@cardlink/personal-data';

/** The buyer id an erased order shows: the contacts and the shop's buyer id are gone, the order and its money stay. */
export const ERASED_BUYER_ID = 'erased';

const PURPOSE = 'orders.orders.buyer';
const MATCHED_KINDS = ['buyerId', 'email', 'phone'] as const satisfies readonly ContactKind[];
export type MatchedKind = (typeof MATCHED_KINDS)[number];

/**
 * How `orders.buyer` is stored: the whole Buyer sealed (it is sent on in
 * OrderPaid, so it must be readable) plus the match keys an erasure request is
 * found by. An erased buyer keeps only when and by which erasure.
 */
export type StoredBuyer =
  | { sealed: string; keys: Partial<Record<MatchedKind, string>> }
  | { erasedAt: string; erasureId: string };

export function storedBuyer(buyer: Buyer): StoredBuyer {
  const vault = personalData();
  const keys: Partial<Record<MatchedKind, string>> = {};
  for (const kind of MATCHED_KINDS) {
    const value = buyer[kind];
    const key = value === undefined ? undefined : vault.matchKey(kind, value);
    if (key !== undefined) keys[kind] = key;
  }
  return { sealed: vault.seal(JSON.stringify(buyer), PURPOSE), keys };
}

export function erasedBuyer(erasureId: string, at: Date): StoredBuyer {
  return { erasedAt: at.toISOString(), erasureId };
}

/** Rows written before protection hold the Buyer itself; they are read as they are until the retention task seals them. */
export function buyerFromStored(stored: StoredBuyer | Buyer): Buyer {
  if ('sealed' in stored) return JSON.parse(personalData().open(stored.sealed, PURPOSE)) as Buyer;
  if ('erasedAt' in stored) return { buyerId: ERASED_BUYER_ID };
  return stored;
}

export function isProtectedBuyer(stored: unknown): boolean {
  return typeof stored === 'object' && stored !== null && ('sealed' in stored || 'erasedAt' in stored);
}

/** The column transformer of `orders.buyer`: code sees a Buyer, the table never holds a contact in clear. */
export const protectedBuyerColumn: ValueTransformer = {
  to: (buyer: Buyer | undefined) => (buyer === undefined ? undefined : storedBuyer(buyer)),
  from: (stored: StoredBuyer | Buyer | null) => (stored === null ? null : buyerFromStored(stored)),
};

/** The column transformer of payer accounts (payments, unmatched payments): sealed at rest, read back in clear. */
export const sealedPayerAccountColumn: ValueTransformer = {
  to: (account: string | null | undefined) => (account === undefined ? undefined : personalData().sealOptional(account, 'orders.payments.account')),
  from: (stored: string | null) => personalData().openOptional(stored, 'orders.payments.account'),
};
