import { IDENTITY_FIELDS, Identity, normaliseIdentifier } from './identifiers';
import { isActive, ListEntry } from './list-entry';

export type ListOutcome = 'blocked' | 'allowed' | 'watched' | 'clear';

export interface ListVerdict {
  readonly outcome: ListOutcome;
  /** the entries that decided the outcome */
  readonly decisive: readonly ListEntry[];
  /** entries that matched but lost on precedence (shown so a decision explains itself) */
  readonly overridden: readonly ListEntry[];
}

/**
 * What the lists say about an order's identifiers at `now`. Precedence:
 * 1. an unexpired block entry that is not overridable blocks, whatever else matches;
 * 2. otherwise an allow entry wins over overridable block entries and watch entries;
 * 3. otherwise an overridable block entry blocks;
 * 4. otherwise a watch entry watches.
 * Expired entries (expiresAt <= now) are ignored. Matches are listed in
 * identifier order (buyerId, email, phone, ip, deviceId, paymentAccount), then by id.
 */
export function evaluateLists(identity: Identity, entries: readonly ListEntry[], now: Date): ListVerdict {
  const matches = entries
    .filter((entry) => isActive(entry, now) && matchesIdentity(entry, identity))
    .sort(byFieldThenId);
  const hardBlocks = matches.filter((entry) => entry.kind === 'block' && !entry.overridable);
  const softBlocks = matches.filter((entry) => entry.kind === 'block' && entry.overridable);
  const allows = matches.filter((entry) => entry.kind === 'allow');
  const watches = matches.filter((entry) => entry.kind === 'watch');

  if (hardBlocks.length > 0)
    return {
      outcome: 'blocked',
      decisive: hardBlocks,
      overridden: [...softBlocks, ...allows, ...watches].sort(byFieldThenId),
    };
  if (allows.length > 0)
    return { outcome: 'allowed', decisive: allows, overridden: [...softBlocks, ...watches].sort(byFieldThenId) };
  if (softBlocks.length > 0) return { outcome: 'blocked', decisive: softBlocks, overridden: watches };
  if (watches.length > 0) return { outcome: 'watched', decisive: watches, overridden: [] };
  return { outcome: 'clear', decisive: [], overridden: [] };
}

function matchesIdentity(entry: ListEntry, identity: Identity): boolean {
  const value = identity[entry.field];
  return value !== undefined && normaliseIdentifier(entry.field, value) === entry.value;
}

function byFieldThenId(a: ListEntry, b: ListEntry): number {
  return IDENTITY_FIELDS.indexOf(a.field) - IDENTITY_FIELDS.indexOf(b.field) || a.id.localeCompare(b.id);
}
