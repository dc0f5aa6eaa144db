// Calls from the console to the services and the chaos API, with a deadline; their failures as the console's
// own errors (404 and 400 passed on, other failures 502, no answer 503).
import { HttpError } from '@lab/kit';

export interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/** One HTTP call; never throws for an answer, only when none came (status 0). */
export async function call(
  method: string,
  url: string,
  opts: { body?: unknown; token?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(url, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: kept as text */
    }
    return { status: res.status, body, ms: performance.now() - started };
  } catch (err) {
    return { status: 0, body: (err as Error).message, ms: performance.now() - started };
  }
}

/** The answer's body when it is a 2xx; else the error the console answers with, naming `what`. */
export function passOn(what: string, a: Answer): unknown {
  if (a.status >= 200 && a.status < 300) return a.body;
  if (a.status === 0) throw new HttpError(503, 'downstream_unreachable', `${what} did not answer`);
  const said = (a.body as { error?: { message?: string } } | undefined)?.error?.message ?? `status ${a.status}`;
  if (a.status === 404) throw new HttpError(404, 'not_found', `${what}: ${said}`);
  if (a.status === 400) throw new HttpError(400, 'validation_failed', `${what}: ${said}`);
  throw new HttpError(502, 'downstream_failed', `${what} answered ${a.status}: ${said}`);
}
