// Request builders for the chaos API (local runtime or in-cluster controller: the same routes), bearer token included.
import type { Env } from './env.ts';
import type { Faults } from './payloads.ts';
import { JSON_CONTENT, withTags, type Method, type Request } from './request.ts';

type Chaos = Pick<Env, 'CHAOS_URL' | 'CHAOS_TOKEN'>;
export type Action = 'stop' | 'start' | 'kill';

const call = (env: Chaos, method: Method, path: string, name: string, body: string | null = null): Request => ({
  method,
  url: `${env.CHAOS_URL}${path}`,
  body,
  headers: { ...JSON_CONTENT, Authorization: `Bearer ${env.CHAOS_TOKEN}` },
  tags: withTags('chaos', name),
  expect: [200],
});

const service = (s: string) => `/chaos/services/${encodeURIComponent(s)}`;

export const listServices = (env: Chaos) => call(env, 'GET', '/chaos/services', 'GET /chaos/services');

/** The same list without the token: the chaos API must refuse it (401). */
export const listServicesUnauthenticated = (env: Chaos): Request => ({
  ...listServices(env),
  headers: {},
  expect: [401],
});

export const act = (env: Chaos, s: string, action: Action) =>
  call(env, 'POST', `${service(s)}/${action}`, `POST ${action}`, '');

/** Fault knobs: {latencyMs, jitterMs, errorRate, maxRps, dropRate}; {} clears them. */
export const setFaults = (env: Chaos, s: string, faults: Faults) =>
  call(env, 'PUT', `${service(s)}/faults`, 'PUT faults', JSON.stringify(faults));
