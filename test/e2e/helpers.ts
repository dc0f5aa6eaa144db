// What the end-to-end suites share: a real local system on shifted ports, HTTP helpers, polling.
import { LocalSystem, waitFor, type SystemOptions } from '@lab/runtime';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

/** Each suite gets its own port offset and run folder, so suites never share state by accident. */
export function startSystem(offset: number, opts: Omit<SystemOptions, 'portOffset' | 'runDir'> = {}) {
  return LocalSystem.start({ ...opts, portOffset: offset, runDir: join(REPO_ROOT, '.run', `e2e-${offset}`) });
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const anOrder = (customerId = 'c-e2e', unitPrice = 1200) => ({
  customerId,
  items: [{ sku: 'book', quantity: 2, unitPrice }],
});

/** Polls GET /orders/:id until `status`, and fails with the last state seen. */
export async function waitForOrderStatus(baseUrl: string, orderId: string, status: string, timeoutMs = 15_000) {
  let last: unknown;
  try {
    return await waitFor(
      async () => {
        const res = await http(`GET`, `${baseUrl}/orders/${orderId}`);
        last = res.body;
        return res.status === 200 && res.body.status === status ? res.body : undefined;
      },
      { timeoutMs, what: `order ${orderId} to be ${status}`, intervalMs: 20 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast order state: ${JSON.stringify(last)}`, { cause: err });
  }
}
