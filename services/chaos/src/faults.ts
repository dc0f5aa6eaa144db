// Forwards fault settings to a service's own admin endpoint, PUT <base>/admin/faults with the admin token, on every
// instance of it: the knobs live in each process, so one call through a Service's address would reach one replica.
import { HttpError } from '@lab/kit';
import type { Faults, Target } from './targets';

export interface FaultsAnswer {
  status: number;
  /** The first instance's answer (every instance was sent the same settings and accepted them). */
  body: unknown;
  /** How many instances took the settings. */
  instances: number;
}

export interface FaultsForwarder {
  (target: Target, faults: Faults): Promise<FaultsAnswer>;
}

export interface ForwarderOptions {
  adminToken: string;
  /** Base URLs of every running instance: pod addresses in a cluster, http://127.0.0.1:<port> locally. */
  instances: (target: Target) => Promise<string[]> | string[];
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Resolves once every instance answered 2xx. A 409 HttpError when no instance runs (nothing could take the
 * settings); a 502 naming the service, the instance and its status when any instance refused or did not answer
 * (the others may hold the new settings: send them again once it is back).
 */
export function faultsForwarder(opts: ForwarderOptions): FaultsForwarder {
  const doFetch = opts.fetch ?? fetch;
  const putOne = async (target: Target, base: string, faults: Faults) => {
    let res: Response;
    try {
      res = await doFetch(`${base}/admin/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.adminToken}` },
        body: JSON.stringify(faults),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new HttpError(
        502,
        'upstream_unreachable',
        `${target.name} at ${base} did not answer: ${(err as Error).message}`,
      );
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    if (!res.ok)
      throw new HttpError(
        502,
        'upstream_failed',
        `${target.name} at ${base} answered ${res.status} to PUT /admin/faults`,
      );
    return { status: res.status, body };
  };
  return async (target, faults) => {
    const bases = await opts.instances(target);
    if (bases.length === 0)
      throw new HttpError(409, 'not_running', `${target.name} has no running instance to set faults on`);
    const answers = await Promise.all(bases.map(base => putOne(target, base, faults)));
    return { ...answers[0]!, instances: answers.length };
  };
}
