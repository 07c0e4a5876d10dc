// zod validation that answers 400 `validation_error` naming every failing field.
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Parses `value` with `schema` or throws a 400 whose details list each field and problem. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = details[0];
  throw new ApiError(400, 'validation_error', first ? `${first.field}: ${first.message}` : 'invalid request', details);
}
