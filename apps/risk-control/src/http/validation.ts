import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses a request part with a zod schema; every problem is named with its path in one 400. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : `(${what})`}: ${issue.message}`);
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems.join('; '), problems });
}
