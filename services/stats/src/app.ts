// createApp(deps): counts sign-ups, orders, payments and deliveries; GET /stats, and POST /admin/tally for the verifier.
import { z } from 'zod';
import {
  DeliveryStarted,
  Id,
  OrderCreated,
  PaymentCompleted,
  UserRegistered,
  type EventContract,
} from '@lab/contracts';
import {
  keyUpdate,
  onState,
  requestBody,
  requireAdmin,
  shardOf,
  validate,
  type AppDeps,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { count, SHARDS, tallyOf, type Counter, type Tally } from './domain/counter';

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

/** Event ids asked about in one tally request, all kinds together (1,000 UUIDs fit the 64 kb body limit). */
export const MAX_TALLY_IDS = 1000;
const TallyRequest = z
  .strictObject(Object.fromEntries(Object.keys(KINDS).map(k => [k, z.array(Id).optional()])))
  .refine(r => Object.values(r).reduce((n, ids) => n + (ids?.length ?? 0), 0) <= MAX_TALLY_IDS, {
    message: `at most ${MAX_TALLY_IDS} event ids per request`,
  });

export function createApp(deps: Deps): ServiceApp {
  const { dapr } = deps;
  const now = deps.now ?? (() => new Date());

  const routes = (router: ServiceRouter) => {
    router.get('/stats', async ctx => {
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

    // Which of these events were counted: the verifier's check that stats saw every fact (an id its shard no longer
    // keeps, older than DEDUPE_MINUTES behind the shard's newest or past IDS_KEPT_MAX, is 'unknown', never guessed).
    router.post('/admin/tally', async ctx => {
      requireAdmin(ctx, deps.config.adminToken);
      const req = validate(TallyRequest, requestBody(ctx)) as Record<string, string[] | undefined>;
      const out: Record<string, Record<Tally, string[]>> = {};
      for (const [kind, ids] of Object.entries(req)) {
        if (!ids) continue;
        const shards = await dapr.state.getMany<Counter>(shardKeys(kind));
        const row: Record<Tally, string[]> = { counted: [], notCounted: [], unknown: [] };
        for (const id of ids) row[tallyOf(shards.get(key(kind, shardOf(id, SHARDS))), id)].push(id);
        out[kind] = row;
      }
      ctx.body = out;
    });
  };

  return defineService(deps, {
    routes,
    subscriptions: Object.entries(KINDS).map(([kind, contract]) =>
      onState(contract, dapr.state, e => ({
        updates: [keyUpdate<Counter>(key(kind, shardOf(e.id, SHARDS)), cur => count(cur, kind, e.id, e.time, now()))],
      })),
    ),
  });
}
