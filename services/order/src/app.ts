// createApp(deps): order's HTTP API and the facts it follows; never listens, never reads the environment.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { createHttpShell, mountSubscriptions, type DaprPorts, type Logger } from '@lab/kit';
import type { Config } from './config';
import { followSubscriptions } from './follow';
import { placeOrderHandler } from './place-order';
import { mountReads } from './read';
import { isSyncFlow, syncChainHandler } from './sync-chain';

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
  const eventFlow = placeOrderHandler(full);
  const syncFlow = syncChainHandler(full);
  // Both flows side by side, chosen per request (?flow=sync or X-Flow: sync), so they can be compared under one fault.
  shell.router.post('/orders', ctx => (isSyncFlow(ctx) ? syncFlow(ctx) : eventFlow(ctx)));
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
