// What a handler reads from a request that the shell has parsed.
import type { Context } from 'koa';

/** The parsed JSON body (undefined when there was none). */
export function requestBody(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}
