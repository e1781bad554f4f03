import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { describeIssues } from './products/product-rules';

/** Parses a request body or query with zod; a failure is a 400 naming every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `invalid ${what}`, problems: describeIssues(result.error) });
  return result.data;
}
