import type { FieldComparison } from './field-policy';

/** A listing's shop-visible fields in comparable form. */
export interface ListingView {
  title?: string;
  description?: string;
  /** A shop that reports only the amount keeps our currency. */
  price?: { amount: number; currency?: string };
  categoryIds?: readonly string[];
  status?: 'listed' | 'delisted';
}

/** Pairs the fields the shop reported with ours; fields the shop did not report are left out. */
export function compareListing(ours: Required<ListingView> & { price: { amount: number; currency: string } }, shops: ListingView): FieldComparison[] {
  const comparisons: FieldComparison[] = [];
  if (shops.title !== undefined) comparisons.push({ field: 'title', ours: ours.title, shops: shops.title });
  if (shops.description !== undefined) comparisons.push({ field: 'description', ours: ours.description, shops: shops.description });
  if (shops.price !== undefined) {
    comparisons.push({ field: 'price', ours: `${ours.price.amount} ${ours.price.currency}`, shops: `${shops.price.amount} ${shops.price.currency ?? ours.price.currency}` });
  }
  if (shops.categoryIds !== undefined) {
    comparisons.push({ field: 'categories', ours: [...ours.categoryIds].sort().join(','), shops: [...shops.categoryIds].sort().join(',') });
  }
  if (shops.status !== undefined) comparisons.push({ field: 'status', ours: ours.status, shops: shops.status });
  return comparisons;
}
