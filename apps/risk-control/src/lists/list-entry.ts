import { z } from 'zod';
import { IDENTITY_FIELDS, IdentityField, normaliseIdentifier } from './identifiers';

export const LIST_KINDS = ['block', 'allow', 'watch'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** One entry of the block, allow or watch list, as the engine sees it. */
export interface ListEntry {
  readonly id: string;
  readonly kind: ListKind;
  readonly field: IdentityField;
  /** already normalised (see normaliseIdentifier) */
  readonly value: string;
  /** block entries only: an allow entry for the same order lifts this block */
  readonly overridable: boolean;
  /** the entry applies while now < expiresAt; null never expires */
  readonly expiresAt: Date | null;
  readonly setBy: string;
  readonly reason: string;
}

/**
 * A list entry as staff submit it (admin API, fixtures): validated, with the
 * value normalised so that lookups compare like with like.
 */
export const ListEntryInput = z
  .object({
    id: z.string().min(1).max(128),
    kind: z.enum(LIST_KINDS),
    field: z.enum(IDENTITY_FIELDS),
    value: z.string().min(1).max(256),
    overridable: z.boolean().default(false),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
    setBy: z.string().min(1).max(128),
    reason: z.string().min(1).max(300),
  })
  .superRefine((entry, ctx) => {
    if (normaliseIdentifier(entry.field, entry.value) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${entry.field} "${entry.value}" has nothing to compare`,
      });
    }
    if (entry.overridable && entry.kind !== 'block') {
      ctx.addIssue({ code: 'custom', path: ['overridable'], message: 'only block entries can be overridable' });
    }
  })
  .transform(
    (entry): ListEntry => ({
      ...entry,
      value: normaliseIdentifier(entry.field, entry.value) ?? entry.value,
      expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt),
    }),
  );
export type ListEntryInput = z.input<typeof ListEntryInput>;

/** Expiry is exclusive: an entry expiring exactly at `now` no longer applies. */
export function isActive(entry: ListEntry, now: Date): boolean {
  return entry.expiresAt === null || now.getTime() < entry.expiresAt.getTime();
}
