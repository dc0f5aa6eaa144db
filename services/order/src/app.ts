// createApp(deps): order's HTTP API and the facts it follows; never listens, never reads the environment.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { createHttpShell, mountSubscriptions, type DaprPorts, type Logger } from '@lab/kit';
import type { Config } from './config';
import { followSubscriptions } from './follow';
import { placeOrderHandler } from './place-order';
import { mountReads } from './read';

export interface Deps {
  config: Config;
  log: Logger;
  dapr: DaprPorts;
  now?: () => Date;
  newId?: () => string;
}

export function createApp(deps: Deps): Koa {
  const full: Required<Deps> = { now: () => new Date(), newId: randomUUID, ...deps };
  const shell = createHttpShell({
    config: deps.config,
    log: deps.log,
    ready: () => deps.dapr.sidecar.healthy(),
  });
  shell.router.post('/orders', placeOrderHandler(full));
  mountReads(shell.router, full);
  mountSubscriptions(shell.router, {
    pubsubName: deps.config.pubsubName,
    deadLetters: { bus: deps.dapr.bus, service: deps.config.service },
    appApiToken: deps.config.appApiToken,
    log: deps.log,
    subscriptions: followSubscriptions(full),
  });
  return shell.finish();
}
