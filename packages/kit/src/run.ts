// Listening and graceful shutdown, the only process-level concern of a service's main.ts.
import type Koa from 'koa';
import type { Server } from 'node:http';
import type { Logger } from './logger';
import { startTasks, type PeriodicTask } from './tasks';
import { ScrapeWatch, startMetricsListener } from './metrics-listener';
import { startIdleTrim } from './idle-trim';

export interface RunOptions {
  app: Koa;
  /** The app's periodic tasks (ServiceApp.tasks), started once it listens and stopped on shutdown. */
  tasks?: readonly PeriodicTask[];
  host: string;
  port: number;
  log: Logger;
  /** Port of the separate /metrics listener (config.metricsPort); none when unset. */
  metricsPort?: number | undefined;
  /** Window after which a quiet process gives back its young generation (config.idleTrimMs; see idle-trim.ts). */
  idleTrimMs?: number;
  /** Called after the server stopped accepting connections. */
  onClose?: () => Promise<void>;
}

export function runService(opts: RunOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    let stopTasks = () => {};
    let stopTrim = () => {};
    let metrics: Server | undefined;
    const reads = new ScrapeWatch();
    const server = opts.app.listen(opts.port, opts.host);
    server.keepAliveTimeout = 65_000;
    server.once('error', reject);
    server.once('listening', () => {
      opts.log.info({ host: opts.host, port: opts.port }, 'listening');
      stopTasks = startTasks(opts.tasks ?? [], opts.log);
      stopTrim = startIdleTrim({
        everyMs: opts.idleTrimMs ?? 0,
        onTrim: t => opts.log.debug(t, 'quiet: young generation trimmed'),
      });
      if (opts.metricsPort === undefined) return resolve(server);
      startMetricsListener({ host: opts.host, port: opts.metricsPort, log: opts.log, reads }).then(m => {
        metrics = m;
        resolve(server);
      }, reject);
    });
    let closing = false;
    const stop = (signal: string) => {
      if (closing) return;
      closing = true;
      stopTasks();
      stopTrim();
      opts.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 5000);
      force.unref();
      // Once the last request (a delivery) is answered, the scraper gets one last read of what it counted.
      server.close(() => {
        void reads
          .lastRead()
          .then(last => {
            if (last !== 'none') opts.log.info({ last }, 'metrics read once more before exiting');
            metrics?.close();
            return opts.onClose?.();
          })
          .finally(() => process.exit(0));
      });
      server.closeIdleConnections();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
