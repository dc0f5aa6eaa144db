// createApp(deps): order's HTTP API and the facts it follows; never listens, never reads the environment.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { orderApi } from '@lab/contracts';
import { mountEvents, mountOpenApi, schedule, serviceShell } from '@lab/kit';
import type { Deps } from './deps';
import { followSubscriptions } from './events/follow';
import { placeOrderHandler } from './http/place-order';
import { placedIndex } from './placed';
import { mountReads } from './http/read';
import { openOrdersWatch } from './tasks/open-orders-watch';
import { isSyncFlow, syncChainHandler } from './http/sync-chain';

export type { Deps };

export function createApp(deps: Deps): Koa {
  const full: Required<Deps> = { now: () => new Date(), newId: randomUUID, ...deps };
  const shell = serviceShell(deps);
  const watch = openOrdersWatch(full);
  const placed = placedIndex(full);
  const eventFlow = placeOrderHandler(full, watch);
  const syncFlow = syncChainHandler(full, placed);
  // Both flows side by side, chosen per request (?flow=sync or X-Flow: sync), so they can be compared under one fault.
  shell.router.post('/orders', ctx => (isSyncFlow(ctx) ? syncFlow(ctx) : eventFlow(ctx)));
  mountReads(shell.router, full);
  watch.mount(shell.router);
  placed.mount(shell.router);
  mountEvents(shell.router, deps, followSubscriptions(full, watch, placed));
  // Last before finish(): it checks every route above against the declared API.
  mountOpenApi(shell.router, orderApi);
  const app = shell.finish();
  schedule(app, { name: 'open-orders sweep', everyMs: watch.everyMs, run: () => watch.sweep() });
  return app;
}
