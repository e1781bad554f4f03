import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { Id, PoolMode } from '@cardlink/contracts';

export const Reason = z.object({ reason: z.string({ message: 'a reason is required' }).trim().min(1, 'a reason is required').max(500) });

export const PoolSettings = z
  .object({
    mode: PoolMode.optional(),
    reusableCap: z.number().int().positive().nullable().optional(),
    lowStockThreshold: z.number().int().nonnegative().max(1_000_000).optional(),
  })
  .strict();
export type PoolSettings = z.infer<typeof PoolSettings>;

export const CardListQuery = z.object({
  status: z.enum(['available', 'allocated', 'voided']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const Uuid = z.uuid();

/** Parses a request part or answers 400 naming each field that is wrong. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new BadRequestException(`${what}: ${problems.join('; ')}`);
}

export function productIdParam(value: string): string {
  if (!Id.safeParse(value).success) throw new BadRequestException('productId must be 1 to 128 characters');
  return value;
}

export function uuidParam(value: string, name: string): string {
  if (!Uuid.safeParse(value).success) throw new BadRequestException(`${name} must be a UUID`);
  return value;
}
