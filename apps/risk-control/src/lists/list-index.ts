import { IDENTITY_FIELDS, Identity, normaliseIdentifier } from './identifiers';
import { ListEntry } from './list-entry';

/**
 * List entries looked up by identifier instead of scanned: for a cached copy
 * of the lists, or a dry run over many orders. Returns the entries whose field
 * and normalised value match the order, expired or not (evaluateLists decides).
 */
export class ListIndex {
  private readonly byValue = new Map<string, ListEntry[]>();

  constructor(entries: readonly ListEntry[]) {
    for (const entry of entries) {
      const key = `${entry.field}\u0000${entry.value}`;
      const bucket = this.byValue.get(key);
      if (bucket) bucket.push(entry);
      else this.byValue.set(key, [entry]);
    }
  }

  entriesFor(identity: Identity): ListEntry[] {
    const found: ListEntry[] = [];
    for (const field of IDENTITY_FIELDS) {
      const raw = identity[field];
      const value = raw === undefined ? undefined : normaliseIdentifier(field, raw);
      if (value !== undefined) found.push(...(this.byValue.get(`${field}\u0000${value}`) ?? []));
    }
    return found;
  }
}
