// createApp(deps): order's HTTP API and the facts it follows; never listens, never reads the environment.
import { randomUUID } from 'node:crypto';
import { orderApi } from '@lab/contracts';
import { defineService, type ServiceApp } from '@lab/kit';
import type { Deps } from './deps';
import { followSubscriptions } from './events/follow';
import { placeOrderHandler } from './http/place-order';
import { placedIndex } from './placed';
import { mountReads } from './http/read';
import { openOrdersWatch } from './tasks/open-orders-watch';
import { isSyncFlow, syncChainHandler } from './http/sync-chain';

export type { Deps };

export function createApp(deps: Deps): ServiceApp {
  const full: Required<Deps> = { now: () => new Date(), newId: randomUUID, ...deps };
  const watch = openOrdersWatch(full);
  const placed = placedIndex(full);
  const eventFlow = placeOrderHandler(full, watch);
  const syncFlow = syncChainHandler(full, placed);
  return defineService(deps, {
    routes: router => {
      // Both flows side by side, chosen per request (?flow=sync or X-Flow: sync), so they can be compared under one
      // fault.
      router.post('/orders', ctx => (isSyncFlow(ctx) ? syncFlow(ctx) : eventFlow(ctx)));
      mountReads(router, full);
      watch.mount(router);
      placed.mount(router);
    },
    subscriptions: followSubscriptions(full, watch, placed),
    // Every route above is checked against the declared API.
    api: orderApi,
    tasks: [{ name: 'open-orders sweep', everyMs: watch.everyMs, run: () => watch.sweep() }],
  });
}
