import { z } from 'zod';
import type { PersonalDataVault } from '@cardlink/personal-data';
import type { MatchedKind } from './buyer-column';

const identifier = (what: string) => z.string({ message: `expected the buyer's ${what} as text` }).trim().min(1, 'must not be empty').max(256, 'at most 256 characters');

/** What staff send to erase one buyer: at least one identifier, and why. */
export const ErasureRequestBody = z
  .strictObject(
    {
      buyerId: identifier('id at the shop').optional(),
      email: identifier('email address').optional(),
      phone: identifier('phone number').optional(),
      reason: z.string({ message: 'expected a text' }).trim().min(1, 'must not be empty').max(300, 'at most 300 characters'),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; expected buyerId, email, phone, reason` : undefined) },
  )
  .refine((body) => body.buyerId !== undefined || body.email !== undefined || body.phone !== undefined, {
    path: ['buyerId'],
    message: 'name the buyer by at least one of buyerId, email or phone',
  });
export type ErasureRequestBody = z.infer<typeof ErasureRequestBody>;

export interface MatchKey {
  kind: MatchedKind;
  key: string;
}

/** The identifiers a request names, as match keys; an identifier with nothing comparable left (e.g. a phone of dashes) is refused. */
export function matchKeysOf(request: ErasureRequestBody, vault: PersonalDataVault): MatchKey[] {
  const keys: MatchKey[] = [];
  for (const kind of ['buyerId', 'email', 'phone'] as const) {
    const value = request[kind];
    if (value === undefined) continue;
    const key = vault.matchKey(kind, value);
    if (key === undefined) throw new RangeError(`${kind}: has nothing to compare (a ${kind} needs letters or digits)`);
    keys.push({ kind, key });
  }
  return keys;
}
