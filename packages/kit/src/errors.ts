// Errors as data: each carries its HTTP status and a stable code; one middleware turns them into JSON.
import type { Context, Next } from 'koa';

export interface FieldError {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** A concurrency failure in the state store (etag mismatch or key already present). */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`state conflict on "${key}"`);
    this.name = 'StateConflictError';
  }
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Maps errors thrown by body parsers and Koa (which carry `status`/`expose`) to our codes. */
function fromFrameworkError(err: HttpLikeError | Error): HttpError | undefined {
  const e = err as HttpLikeError;
  const status = e.status ?? e.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'request body is too large');
  if (status === 415) return new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  if (status === 400 && (err instanceof SyntaxError || e.type === 'entity.parse.failed')) {
    return new HttpError(400, 'malformed_json', 'request body is not a valid JSON object or array');
  }
  return new HttpError(status, 'bad_request', e.expose && e.message ? e.message : 'bad request');
}

/** The one error middleware: first in the chain; never leaks a stack trace. */
export function errorMiddleware() {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const known = err instanceof HttpError ? err : fromFrameworkError(err as HttpLikeError);
      if (known) {
        ctx.status = known.status;
        ctx.body = {
          error: { code: known.code, message: known.message, ...(known.fields ? { fields: known.fields } : {}) },
        };
        return;
      }
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: 'internal error' } };
      ctx.app.emit('error', err, ctx);
    }
  };
}
