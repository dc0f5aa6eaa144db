// A signal that fires when the HTTP client of a request goes away before its answer was sent, so work done on its
// behalf (a publish under way to the sidecar) can be abandoned instead of completing for nobody.
import type { Context } from 'koa';

export function clientGone(ctx: Context): AbortSignal {
  const gone = new AbortController();
  const res = ctx.res;
  if (res.destroyed && !res.writableFinished) gone.abort();
  else res.once('close', () => res.writableFinished || gone.abort());
  return gone.signal;
}
