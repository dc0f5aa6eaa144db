// Forwards fault settings to a service's own admin endpoint: PUT <base>/admin/faults with the admin token.
import { HttpError } from '@lab/kit';
import type { Faults, Target } from './targets';

export interface FaultsForwarder {
  (target: Target, faults: Faults): Promise<{ status: number; body: unknown }>;
}

export interface ForwarderOptions {
  adminToken: string;
  /** Base URL of a service: http://<name>:<port> in a cluster, http://127.0.0.1:<port> locally. */
  baseUrl: (target: Target) => string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Resolves the service's answer when it is 2xx; a 502 HttpError otherwise, naming the service and its status. */
export function faultsForwarder(opts: ForwarderOptions): FaultsForwarder {
  const doFetch = opts.fetch ?? fetch;
  return async (target, faults) => {
    let res: Response;
    try {
      res = await doFetch(`${opts.baseUrl(target)}/admin/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.adminToken}` },
        body: JSON.stringify(faults),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new HttpError(502, 'upstream_unreachable', `${target.name} did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    if (!res.ok)
      throw new HttpError(502, 'upstream_failed', `${target.name} answered ${res.status} to PUT /admin/faults`);
    return { status: res.status, body };
  };
}
