// Listening and graceful shutdown, the only process-level concern of a service's main.ts.
import type Koa from 'koa';
import type { Server } from 'node:http';
import type { Logger } from './logger';
import { startTasks } from './tasks';

export interface RunOptions {
  app: Koa;
  host: string;
  port: number;
  log: Logger;
  /** Called after the server stopped accepting connections. */
  onClose?: () => Promise<void>;
}

export function runService(opts: RunOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    let stopTasks = () => {};
    const server = opts.app.listen(opts.port, opts.host);
    server.keepAliveTimeout = 65_000;
    server.once('error', reject);
    server.once('listening', () => {
      opts.log.info({ host: opts.host, port: opts.port }, 'listening');
      stopTasks = startTasks(opts.app, opts.log);
      resolve(server);
    });
    let closing = false;
    const stop = (signal: string) => {
      if (closing) return;
      closing = true;
      stopTasks();
      opts.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 5000);
      force.unref();
      server.close(() => {
        void (opts.onClose?.() ?? Promise.resolve()).finally(() => process.exit(0));
      });
      server.closeIdleConnections();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
