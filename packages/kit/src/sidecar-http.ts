// HTTP/1.1 to the local sidecar on kept-alive sockets, with node:http. Every delivery makes several of these calls;
// the benchmark's profile showed fetch (undici) with an AbortSignal timer per call as the apps' largest single cost.
import http from 'node:http';

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
}

/** Resolves with any HTTP answer; rejects when none came back (refused, reset, or past the timeout). */
export function sidecarRequest(url: string, r: SidecarRequest): Promise<SidecarAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
    const req = http.request(url, { method: r.method ?? 'GET', headers, agent }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer from ${url} within ${r.timeoutMs} ms`)),
      r.timeoutMs,
    );
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(r.body);
  });
}
