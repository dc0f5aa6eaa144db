// The only place the scenarios read their environment: the names the Tiltfile and the k8s workflow pass.
/* global __ENV */
const trim = url => String(url).replace(/\/+$/, '');

export const env = {
  /** order's public API. */
  BASE_URL: trim(__ENV.BASE_URL || 'http://127.0.0.1:3000'),
  /** user's public API. */
  USER_URL: trim(__ENV.USER_URL || 'http://127.0.0.1:3001'),
  /** The chaos API (local runtime: 3099; in-cluster controller: port-forwarded). */
  CHAOS_URL: trim(__ENV.CHAOS_URL || 'http://127.0.0.1:3099'),
  CHAOS_TOKEN: __ENV.CHAOS_TOKEN || '',
  /** SHORT=1: every scenario in well under a minute (CI, a first try). */
  SHORT: __ENV.SHORT === '1' || __ENV.SHORT === 'true',
};

/** A tag that makes one run's orders findable again (burst checks convergence by customer). */
export const runId = () => `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
