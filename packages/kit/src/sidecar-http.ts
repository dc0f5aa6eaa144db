// HTTP/1.1 to the local sidecar on kept-alive sockets, with node:http. Every delivery makes several of these calls;
// the benchmark's profile showed fetch (undici) with an AbortSignal timer per call as the apps' largest single cost.
import http from 'node:http';
import { SidecarUnavailableError } from './errors';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface SidecarAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface SidecarRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, answer included, must finish within this. */
  timeoutMs: number;
  /** Abandons the call (e.g. the client that asked for it went away); rejects like a timeout. */
  signal?: AbortSignal;
}

/** Errors that mean the request never reached a listening sidecar, so it cannot have had any effect. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Resolves with any HTTP answer; rejects with SidecarUnavailableError when none came back: `not-sent` when the
 * connection was refused, `unknown` when the deadline passed, the signal fired or the connection broke mid-call.
 * On a deadline the socket is destroyed, so a live daprd sees its client gone and cancels the call's context.
 */
export function sidecarRequest(url: string, r: SidecarRequest): Promise<SidecarAnswer> {
  return new Promise((resolve, reject) => {
    if (r.signal?.aborted) {
      reject(new SidecarUnavailableError(`call to ${url} abandoned before it was sent`, 'not-sent'));
      return;
    }
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
    let why: SidecarUnavailableError | undefined;
    const req = http.request(url, { method: r.method ?? 'GET', headers, agent }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        done();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const abandon = (e: SidecarUnavailableError) => {
      why = e;
      req.destroy(e);
    };
    const timer = setTimeout(
      () => abandon(new SidecarUnavailableError(`no answer from ${url} within ${r.timeoutMs} ms`, 'unknown')),
      r.timeoutMs,
    );
    const onAbort = () => abandon(new SidecarUnavailableError(`call to ${url} abandoned by its caller`, 'unknown'));
    r.signal?.addEventListener('abort', onAbort, { once: true });
    function done() {
      clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
    }
    function fail(err: Error & { code?: string }) {
      done();
      if (why) return reject(why);
      if (err instanceof SidecarUnavailableError) return reject(err);
      const outcome = err.code && NOT_SENT.has(err.code) ? 'not-sent' : 'unknown';
      reject(new SidecarUnavailableError(`no answer from ${url}: ${err.message}`, outcome));
    }
    req.on('error', fail);
    req.end(r.body);
  });
}
