// Sends a request built in lib/ (its statuses decide http_req_failed) and reads an answer's JSON without throwing.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import type { Request } from '../lib/request.ts';

export const send = (r: Request) =>
  http.request(r.method, r.url, r.body, {
    headers: r.headers,
    tags: r.tags,
    responseCallback: http.expectedStatuses(...r.expect),
  });

/** The answer's JSON, or undefined when it has none (res.json() throws on a body that is not JSON). */
export function bodyOf(r: RefinedResponse<ResponseType | undefined>): unknown {
  try {
    return r.json();
  } catch {
    return undefined;
  }
}
