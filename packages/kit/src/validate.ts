// Request validation: a zod schema in, typed data or a 400 naming every bad field out.
import type { z } from 'zod';
import { HttpError } from './errors';

export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map(issue => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  throw new HttpError(400, 'validation_failed', `${what} is invalid`, fields);
}
