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

/**
 * The sidecar (or the component behind it) could not serve a call: nothing answered (refused, reset), no answer
 * came within the deadline, or daprd answered 5xx. The one error middleware answers 503 with Retry-After.
 * `outcome` says what the caller can know: `not-sent` (nothing reached the sidecar, so nothing happened) or
 * `unknown` (the call may still take effect, e.g. a publish a frozen sidecar reads when it resumes).
 */
export class SidecarUnavailableError extends Error {
  constructor(
    message: string,
    readonly outcome: 'not-sent' | 'unknown',
  ) {
    super(message);
    this.name = 'SidecarUnavailableError';
  }
}

/** Seconds a client is asked to wait before it tries again after a 503. */
export const RETRY_AFTER_SECONDS = 2;

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
      if (err instanceof SidecarUnavailableError) {
        ctx.status = 503;
        ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
        ctx.body = {
          error: {
            code: 'sidecar_unavailable',
            message:
              err.outcome === 'not-sent'
                ? 'a dependency of this service is unavailable; nothing was done, try again later'
                : 'a dependency of this service did not answer in time; the request may still take effect: ' +
                  'retry with the same Idempotency-Key where the API takes one',
          },
        };
        ctx.app.emit('error', err, ctx);
        return;
      }
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
