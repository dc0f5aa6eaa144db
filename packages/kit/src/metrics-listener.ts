// The metrics listener: GET /metrics on its own port (METRICS_PORT), apart from the app and its public routes.
import http, { type Server } from 'node:http';
import type { Logger } from './logger';
import { collectProcessMetrics, metricsText, registry } from './metrics';

/**
 * Unauthenticated and read-only, like daprd's own metrics port: Prometheus' scrape annotations expect that, and
 * being a separate port it is never behind the public ingress nor reachable through the app's routes.
 */
export function metricsListener(reads: ScrapeWatch = new ScrapeWatch()): Server {
  collectProcessMetrics();
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found"}}');
      return;
    }
    metricsText().then(
      // A read counts once its answer is handed to the socket: a stopping process may exit right after it.
      text =>
        res
          .writeHead(200, { 'content-type': registry.contentType })
          .end(req.method === 'HEAD' ? '' : text, () => reads.read()),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal"}}'),
    );
  });
}

/** The longest a stopping process waits for its last read (well inside the 5 s it gives itself to exit). */
export const LAST_READ_MAX_MS = 2500;

/**
 * When this process's metrics were read, so that a stopping process can wait for one last read. Counts made after
 * a scraper's last read vanish with the process: the console's backlog (published - handled) would stay that
 * much too high for ever, and Prometheus' increase() would miss them. A scraper that reads at a short, steady
 * interval (the console every second) and was last seen within two intervals is waited for, up to two intervals
 * (at most LAST_READ_MAX_MS; after a single read, LAST_READ_MAX_MS); one that reads rarely, or has gone, is not,
 * and the process exits at once.
 */
export class ScrapeWatch {
  private last: number | undefined;
  private interval: number | undefined;
  private waiting: (() => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A read was answered (the counts it gave include everything handled before it). */
  read(): void {
    const at = this.now();
    if (this.last !== undefined) this.interval = at - this.last;
    this.last = at;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** How long a process stopping now waits for the next read: 0 when no steady scraper is reading. */
  waitMs(): number {
    if (this.last === undefined) return 0;
    // Read once so far (a process started a moment ago): the interval is not known yet; assume the longest waited for.
    const interval = this.interval ?? LAST_READ_MAX_MS / 2;
    if (2 * interval > LAST_READ_MAX_MS || this.now() - this.last > 2 * interval) return 0;
    return 2 * interval;
  }

  /** Resolves at the next read, or after waitMs() ('none': nobody to wait for). */
  lastRead(): Promise<'read' | 'timeout' | 'none'> {
    const ms = this.waitMs();
    if (ms === 0) return Promise.resolve('none');
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve('timeout'), ms);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve('read');
      });
    });
  }
}

/** Starts the metrics listener; resolves once it listens. */
export function startMetricsListener(opts: {
  host: string;
  port: number;
  log: Logger;
  reads?: ScrapeWatch;
}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = metricsListener(opts.reads);
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      opts.log.info({ host: opts.host, port: opts.port }, 'metrics listening');
      resolve(server);
    });
  });
}
