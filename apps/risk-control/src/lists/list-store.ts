import type { EntityManager } from 'typeorm';
import { rowsOf } from '../rows';
import { IDENTITY_FIELDS, Identity, IdentityField, normaliseIdentifier } from './identifiers';
import { ListEntry, ListKind } from './list-entry';
import { listLookupValues, storedListValue } from '../privacy/list-values';

interface ListEntryRow {
  id: string;
  kind: ListKind;
  field: IdentityField;
  value: string;
  value_masked: string | null;
  overridable: boolean;
  expires_at: Date | null;
  set_by: string;
  reason: string;
  created_at: Date;
}

export interface StoredListEntry extends ListEntry {
  readonly createdAt: Date;
}

const COLUMNS = 'id, kind, field, value, value_masked, overridable, expires_at, set_by, reason, created_at';

/** Block, allow and watch entries in the service's schema; removed entries stay for the record but never match. */
export class ListStore {
  /**
   * The entries on the order's identifiers, expired or not (evaluateLists decides): one indexed lookup.
   * Entries are stored by match key; each found entry carries the order's normalised value, which is what it matched.
   */
  async entriesFor(manager: EntityManager, identity: Identity): Promise<ListEntry[]> {
    const fields: string[] = [];
    const values: string[] = [];
    const matched = new Map<string, string>();
    for (const field of IDENTITY_FIELDS) {
      const raw = identity[field];
      const value = raw === undefined ? undefined : normaliseIdentifier(field, raw);
      if (value === undefined) continue;
      for (const lookup of listLookupValues(field, value)) {
        fields.push(field);
        values.push(lookup);
        matched.set(`${field}\u0000${lookup}`, value);
      }
    }
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM list_entries
        WHERE removed_at IS NULL AND (field, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY created_at, id`,
      [fields, values],
    )) as ListEntryRow[];
    return rows.map((row) => ({ ...toEntry(row), value: matched.get(`${row.field}\u0000${row.value}`) ?? row.value }));
  }

  /** Stores the entry's match key and masked form; the returned entry shows the masked form. */
  async add(manager: EntityManager, entry: ListEntry): Promise<StoredListEntry> {
    const stored = storedListValue(entry.field, entry.value);
    const rows = (await manager.query(
      `INSERT INTO list_entries (id, kind, field, value, value_masked, overridable, expires_at, set_by, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [entry.id, entry.kind, entry.field, stored.value, stored.masked, entry.overridable, entry.expiresAt, entry.setBy, entry.reason],
    )) as ListEntryRow[];
    return toEntry(rows[0]);
  }

  /** Entries not removed, newest first, with their masked values; expired ones included (they show when they stopped applying). */
  async list(manager: EntityManager, filter: { kind?: ListKind; field?: IdentityField; limit: number }): Promise<StoredListEntry[]> {
    const rows = (await manager.query(
      `SELECT ${COLUMNS} FROM list_entries
        WHERE removed_at IS NULL AND ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR field = $2)
        ORDER BY created_at DESC, id LIMIT $3`,
      [filter.kind ?? null, filter.field ?? null, filter.limit],
    )) as ListEntryRow[];
    return rows.map(toEntry);
  }

  /** Returns false when there is no such entry or it was already removed. */
  async remove(manager: EntityManager, id: string, by: string): Promise<boolean> {
    const rows = rowsOf(
      await manager.query(
        `UPDATE list_entries SET removed_at = now(), removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING id`,
        [id, by],
      ),
    );
    return rows.length > 0;
  }
}

function toEntry(row: ListEntryRow): StoredListEntry {
  return {
    id: row.id,
    kind: row.kind,
    field: row.field,
    value: row.value_masked ?? row.value,
    overridable: row.overridable,
    expiresAt: row.expires_at,
    setBy: row.set_by,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
