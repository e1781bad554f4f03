/**
 * What to do when the shop's copy of a listing field differs from ours.
 *
 * - `revert`: the platform owns the field; push our value back and record the drift.
 * - `accept`: the shop owns it; adopt the shop's value into the product and record it.
 * - `report`: change nothing; record the drift for a person to decide.
 */
export type FieldAction = 'revert' | 'accept' | 'report';
export const FIELD_ACTIONS: readonly FieldAction[] = ['revert', 'accept', 'report'];

/** Listing fields the shop lets a merchant edit in its back office. */
export type ListingField = 'title' | 'description' | 'price' | 'categories' | 'status';
export const LISTING_FIELDS: readonly ListingField[] = ['title', 'description', 'price', 'categories', 'status'];

export type FieldPolicy = Record<ListingField, FieldAction>;

/** Price is the platform's by default: a shop-side price change is reverted. */
export const DEFAULT_FIELD_POLICY: FieldPolicy = { title: 'revert', description: 'revert', price: 'revert', categories: 'revert', status: 'revert' };

/** Fields whose accepted value can be written into the product (the others can only be reverted or reported). */
export const ACCEPTABLE_FIELDS: readonly ListingField[] = ['title', 'description'];

/**
 * Parses `field:action,...` (e.g. `title:accept,status:report`) over the
 * defaults; returns the problems instead when the text is wrong.
 */
export function parseFieldPolicy(text: string): { policy: FieldPolicy } | { problems: string[] } {
  const policy: FieldPolicy = { ...DEFAULT_FIELD_POLICY };
  const problems: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [field, action, ...rest] = entry.split(':');
    if (rest.length > 0 || !field || !action) {
      problems.push(`"${entry}" is not field:action`);
      continue;
    }
    if (!(LISTING_FIELDS as readonly string[]).includes(field)) {
      problems.push(`unknown field "${field}" (one of ${LISTING_FIELDS.join(', ')})`);
      continue;
    }
    if (!(FIELD_ACTIONS as readonly string[]).includes(action)) {
      problems.push(`unknown action "${action}" for ${field} (one of ${FIELD_ACTIONS.join(', ')})`);
      continue;
    }
    if (action === 'accept' && !(ACCEPTABLE_FIELDS as readonly string[]).includes(field)) {
      problems.push(`${field} cannot be accepted from the shop (only ${ACCEPTABLE_FIELDS.join(', ')}); use revert or report`);
      continue;
    }
    policy[field as ListingField] = action as FieldAction;
  }
  return problems.length > 0 ? { problems } : { policy };
}

/** One listing field as we and the shop see it. */
export interface FieldComparison {
  field: ListingField;
  ours: string;
  shops: string;
}

export interface DriftDecision extends FieldComparison {
  action: FieldAction;
}

/** The fields that differ, each with the action the policy assigns. */
export function decideDrift(comparisons: readonly FieldComparison[], policy: FieldPolicy): DriftDecision[] {
  return comparisons.filter((c) => c.ours !== c.shops).map((c) => ({ ...c, action: policy[c.field] }));
}
