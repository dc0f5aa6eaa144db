// createApp(deps): counts sign-ups, orders, payments and deliveries; GET /stats.
import type Koa from 'koa';
import { DeliveryStarted, OrderCreated, PaymentCompleted, UserRegistered, type EventContract } from '@lab/contracts';
import { mountEvents, on, serviceShell, shardOf, updateState, type AppDeps } from '@lab/kit';
import type { Config } from './config';
import { count, SHARDS, type Counter } from './domain/counter';

export type Deps = AppDeps<Config>;

/** What is counted, under which name. */
export const KINDS: Record<string, EventContract> = {
  signups: UserRegistered,
  orders: OrderCreated,
  payments: PaymentCompleted,
  deliveries: DeliveryStarted,
};

const key = (kind: string, shard: number) => `counter:${kind}:${shard}`;
const shardKeys = (kind: string) => Array.from({ length: SHARDS }, (_, i) => key(kind, i));

export function createApp(deps: Deps): Koa {
  const { dapr } = deps;
  const shell = serviceShell(deps);

  shell.router.get('/stats', async ctx => {
    const totals: Record<string, number> = {};
    const perMinute: Record<string, Record<string, number>> = {};
    for (const kind of Object.keys(KINDS)) {
      totals[kind] = 0;
      for (const c of (await dapr.state.getMany<Counter>(shardKeys(kind))).values()) {
        totals[kind] += c.total;
        for (const [minute, n] of Object.entries(c.perMinute)) {
          const row = (perMinute[minute] ??= {});
          row[kind] = (row[kind] ?? 0) + n;
        }
      }
    }
    const minutes = Object.keys(perMinute)
      .sort()
      .map(minute => ({ minute, ...perMinute[minute] }));
    ctx.body = { totals, perMinute: minutes };
  });

  mountEvents(
    shell.router,
    deps,
    Object.entries(KINDS).map(([kind, contract]) =>
      on(contract, async e => {
        await updateState<Counter>(dapr.state, key(kind, shardOf(e.id, SHARDS)), cur => count(cur, kind, e.id, e.time));
      }),
    ),
  );

  return shell.finish();
}
