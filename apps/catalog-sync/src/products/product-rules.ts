import { z } from 'zod';
import { Currency, DeliveryChannel, Id, MinorUnits, PoolMode } from '@cardlink/contracts';

export const PRODUCT_STATUSES = ['draft', 'listed', 'delisted'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/**
 * Which status changes a merchant may make. A draft has never been on the shop,
 * so it can only be listed; a listed product can be delisted and listed again,
 * but never goes back to draft (the shop already knows it).
 */
const TRANSITIONS: Record<ProductStatus, readonly ProductStatus[]> = {
  draft: ['listed'],
  listed: ['delisted'],
  delisted: ['listed'],
};

export function statusChangeProblem(from: ProductStatus, to: ProductStatus): string | undefined {
  if (from === to || TRANSITIONS[from].includes(to)) return undefined;
  return `status cannot change from ${from} to ${to} (allowed from ${from}: ${TRANSITIONS[from].join(', ')})`;
}

/** A product as the merchant defines it. */
export interface ProductDefinition {
  title: string;
  description: string;
  price: number;
  currency: string;
  deliveryChannels: DeliveryChannel[];
  poolMode: PoolMode;
  reusableCap: number | null;
  minPerOrder: number;
  maxPerOrder: number;
  lowStockThreshold: number;
  categories: string[];
  status: ProductStatus;
}

const CategoryKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'category keys are 1-64 lower-case letters, digits, dot, dash or underscore');

const fields = {
  title: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  description: z.string().max(5000, 'at most 5000 characters'),
  price: MinorUnits.refine((n) => n > 0, 'must be more than 0 (an integer in minor units, e.g. 4850 for 48.50)').refine((n) => n <= 100_000_000, 'at most 100000000 minor units'),
  currency: Currency,
  deliveryChannels: z
    .array(DeliveryChannel)
    .min(1, 'at least one delivery channel')
    .refine((list) => new Set(list).size === list.length, 'each channel at most once'),
  poolMode: PoolMode,
  reusableCap: z.number().int().min(1).max(1_000_000).nullable(),
  minPerOrder: z.number().int().min(1).max(1000),
  maxPerOrder: z.number().int().min(1).max(1000),
  lowStockThreshold: z.number().int().min(0).max(1_000_000),
  categories: z.array(CategoryKey).max(20, 'at most 20 categories').refine((list) => new Set(list).size === list.length, 'each category at most once'),
};

export const NewProductInput = z.strictObject({
  productId: Id.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, dot, dash, colon and underscore only').optional(),
  title: fields.title,
  description: fields.description.default(''),
  price: fields.price,
  currency: fields.currency,
  deliveryChannels: fields.deliveryChannels,
  poolMode: fields.poolMode.default('unique'),
  reusableCap: fields.reusableCap.default(null),
  minPerOrder: fields.minPerOrder.default(1),
  maxPerOrder: fields.maxPerOrder.default(10),
  lowStockThreshold: fields.lowStockThreshold.default(0),
  categories: fields.categories.default([]),
  status: z.enum(['draft', 'listed']).default('draft'),
});
export type NewProductInput = z.infer<typeof NewProductInput>;

export const ProductPatch = z
  .strictObject({
    title: fields.title,
    description: fields.description,
    price: fields.price,
    currency: fields.currency,
    deliveryChannels: fields.deliveryChannels,
    poolMode: fields.poolMode,
    reusableCap: fields.reusableCap,
    minPerOrder: fields.minPerOrder,
    maxPerOrder: fields.maxPerOrder,
    lowStockThreshold: fields.lowStockThreshold,
    categories: fields.categories,
    status: z.enum(PRODUCT_STATUSES),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field to change');
export type ProductPatch = z.infer<typeof ProductPatch>;

/** Rules that span fields; checked after every create and change. */
export function definitionProblems(product: ProductDefinition): string[] {
  const problems: string[] = [];
  if (product.minPerOrder > product.maxPerOrder) problems.push(`minPerOrder (${product.minPerOrder}) must not exceed maxPerOrder (${product.maxPerOrder})`);
  if (product.poolMode === 'unique' && product.reusableCap !== null) problems.push('reusableCap applies only to poolMode reusable');
  return problems;
}

/** The product after a patch, or the problems that forbid it. */
export function applyPatch(current: ProductDefinition, patch: ProductPatch): { product: ProductDefinition } | { problems: string[] } {
  const next: ProductDefinition = { ...current, ...patch };
  if (patch.poolMode === 'unique' && patch.reusableCap === undefined) next.reusableCap = null;
  const problems = definitionProblems(next);
  const statusProblem = statusChangeProblem(current.status, next.status);
  if (statusProblem) problems.push(statusProblem);
  return problems.length > 0 ? { problems } : { product: next };
}

/** zod issues as `field: problem` lines a merchant can act on. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
