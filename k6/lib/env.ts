// What the scenarios read from their environment, parsed once: the names the Tiltfile and the k8s workflow pass.
// Pure: clients/env.ts hands it k6's environment; the unit tests hand it a plain object.

export interface Env {
  /** order's public API. */
  BASE_URL: string;
  /** user's public API. */
  USER_URL: string;
  /** The chaos API (local runtime: 3099; in-cluster controller: port-forwarded). */
  CHAOS_URL: string;
  /** The chaos API's bearer token; '' when none was given (scenarios that need it say so). */
  CHAOS_TOKEN: string;
  /** SHORT=1: every scenario in well under a minute (CI, a first try). */
  SHORT: boolean;
  /** Where handleSummary writes <scenario>.json and <scenario>.md (relative to k6's working directory). */
  REPORT_DIR: string;
}

type Vars = Readonly<Record<string, string | undefined>>;

const trim = (url: string) => url.replace(/\/+$/, '');

export function readEnv(vars: Vars): Env {
  return {
    BASE_URL: trim(vars.BASE_URL || 'http://127.0.0.1:3000'),
    USER_URL: trim(vars.USER_URL || 'http://127.0.0.1:3001'),
    CHAOS_URL: trim(vars.CHAOS_URL || 'http://127.0.0.1:3099'),
    CHAOS_TOKEN: vars.CHAOS_TOKEN || '',
    SHORT: vars.SHORT === '1' || vars.SHORT === 'true',
    REPORT_DIR: trim(vars.REPORT_DIR || 'k6/reports'),
  };
}

/** A tag that makes one run's orders findable again (burst checks convergence by customer); a valid id. */
export const runId = (now = Date.now(), random = Math.random) =>
  `${now.toString(36)}-${Math.floor(random() * 1e6).toString(36)}`;
