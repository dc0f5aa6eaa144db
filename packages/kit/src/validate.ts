// Request validation: a zod schema in, typed data or a 400 naming every bad field out.
import type { z } from 'zod';
import { Id } from '@lab/contracts';
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

/**
 * A path or query id (or a header) that becomes part of a state key: checked against the one id schema of the
 * contracts, else 400 naming `field`.
 */
export function validId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, 'validation_failed', `${field} is required`, [{ field, message: 'required' }]);
  }
  const r = Id.safeParse(value);
  if (!r.success) {
    throw new HttpError(400, 'validation_failed', `${field} is not a valid id`, [
      { field, message: r.error.issues[0]?.message ?? 'invalid id' },
    ]);
  }
  return r.data;
}
