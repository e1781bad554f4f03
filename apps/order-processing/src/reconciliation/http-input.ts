import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a query or body; a 400 names every problem (`to: must be after from; …`). */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : what}: ${i.message}`);
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.join('; '), problems });
}

/** `unknown field(s) x, y` for strict objects. */
export const strictFields = { error: (issue: { code: string; keys?: string[] }) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${(issue.keys ?? []).join(', ')}` : undefined) };
