// The metrics listener: GET /metrics on its own port (METRICS_PORT), apart from the app and its public routes.
import http, { type Server } from 'node:http';
import type { Logger } from './logger';
import { collectProcessMetrics, metricsText, registry } from './metrics';

/**
 * Unauthenticated and read-only, like daprd's own metrics port: Prometheus' scrape annotations expect that, and
 * being a separate port it is never behind the public ingress nor reachable through the app's routes.
 */
export function metricsListener(): Server {
  collectProcessMetrics();
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found"}}');
      return;
    }
    metricsText().then(
      text => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? '' : text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal"}}'),
    );
  });
}

/** Starts the metrics listener; resolves once it listens. */
export function startMetricsListener(opts: { host: string; port: number; log: Logger }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = metricsListener();
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      opts.log.info({ host: opts.host, port: opts.port }, 'metrics listening');
      resolve(server);
    });
  });
}
