// A request as data: what a builder returns and clients/http.ts sends. Pure, so the unit tests can read every header
// and body a scenario would send without k6.

export type Method = 'GET' | 'POST' | 'PUT';

export interface Request {
  method: Method;
  url: string;
  /** The JSON text sent, or null for none. */
  body: string | null;
  headers: Record<string, string>;
  /** k6 tags: `flow` groups the thresholds, `name` keeps one URL per route (ids never become tags). */
  tags: Record<string, string>;
  /** The statuses that count as success for http_req_failed. */
  expect: readonly number[];
}

export const JSON_CONTENT = { 'Content-Type': 'application/json' } as const;

/** Tags a scenario adds to a request (a phase); a caller's tags never replace `flow` or `name`. */
export type ExtraTags = Readonly<Record<string, string>>;

export const withTags = (flow: string, name: string, extra: ExtraTags = {}) => ({ ...extra, flow, name });
