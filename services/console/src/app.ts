// createApp(deps): the live console. A subscriber to every business fact (added without changing any publisher),
// a reader of every service's metrics, and the page that shows both and drives orders, loads, the dead-letter desk
// and the chaos actions.
import { consoleApi } from '@lab/contracts';
import { defineService, type AppDeps, type ServiceApp } from '@lab/kit';
import { mountConsoleAdmin } from './admin';
import type { Config } from './config';
import { FlowTracker } from './domain/flow';
import { OrderBoard } from './domain/orders';
import { topologyOf } from './domain/topology';
import { factSubscriptions } from './facts';
import type { Placed } from './orders';
import { scrapeAll } from './scrape';
import { mountPage } from './static';
import { Stream } from './stream';

export type Deps = AppDeps<Config>;

export function createApp(deps: Deps): ServiceApp {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const topology = topologyOf(config.catalog);
  const flow = new FlowTracker(topology);
  const board = new OrderBoard(config.keepOrders);
  const snapshot = () => ({
    at: now().toISOString(),
    topology,
    chaos: config.chaosUrl !== undefined,
    ...flow.view(),
    orders: board.latest(),
  });
  const stream = new Stream(snapshot);
  const placed = (p: Placed) => {
    if (p.flow === 'sync' && p.orderId) board.recordSync(p.orderId, p.orderStatus ?? 'PENDING', now().toISOString());
    stream.changed();
  };

  return defineService(deps, {
    routes: router => {
      mountPage(router);
      mountConsoleAdmin(router, { config, stream, board: snapshot, placed });
    },
    subscriptions: factSubscriptions(board, () => stream.changed(), now),
    api: consoleApi,
    tasks: [
      {
        name: 'metrics scrape',
        everyMs: config.scrapeEveryMs,
        run: async () => {
          await scrapeAll(config.targets, flow);
          stream.push();
        },
      },
    ],
  });
}
