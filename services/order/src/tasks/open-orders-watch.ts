// The open-orders watch: an index of the orders still waiting for their outcome, kept beside the orders, and a
// sweep that re-announces a stale order's OrderCreated (the reasoning is in domain/open-orders.ts). One name for one
// mechanism: the watch; a pass of it is a sweep; what it does to a stale order is a re-announcement.
import { announcedAgain, OrderCreated, type CloudEvent, type EventData } from '@lab/contracts';
import {
  countReannounced,
  keyUpdate,
  requireAdmin,
  shardOf,
  updateState,
  type KeyUpdate,
  type ServiceRouter,
} from '@lab/kit';
import type { Deps } from '../deps';
import {
  dueAt,
  dueOrders,
  isStuck,
  REANNOUNCED_TO,
  type OpenOrders,
  type ReannouncePolicy,
} from '../domain/open-orders';
import { isPlaced, isTerminal, type Order, type StoredOrder } from '../domain/order';
import { orderCreated, placementOf } from '../events/facts';
import { keys, OPEN_ORDER_SHARDS } from '../store';

/** Announcements made by one sweep, at most: a sweep after an outage must not become a flood of its own. */
const MAX_PER_SWEEP = 100;

const shardKey = (orderId: string) => keys.openOrders(shardOf(orderId, OPEN_ORDER_SHARDS));

export interface SweepResult {
  open: number;
  reannounced: string[];
  closed: string[];
  stuck: string[];
}

/** The OrderCreated of a stored order, as first announced (same id, same data, same trace). */
export const createdEventOf = (order: Order, source: string): CloudEvent =>
  orderCreated(placementOf(order), source, order.traceparent);

export function openOrdersWatch(deps: Required<Deps>) {
  const { dapr, config, log } = deps;
  const policy: ReannouncePolicy = { staleAfterMs: config.staleAfterMs, maxReannouncements: config.maxReannouncements };
  const totals = { sweeps: 0, reannounced: 0 };

  const off = config.staleAfterMs === 0;

  /**
   * After order stored an order, what to do to the index (idempotent): an open order enters it, a finished one leaves
   * it; nothing with the watch off. An update, so order can make it from the same read as its other indexes.
   */
  function trackUpdate(order: Order): KeyUpdate[] {
    if (off) return [];
    return isTerminal(order.status)
      ? untrackUpdates(order.orderId)
      : [
          keyUpdate<OpenOrders>(shardKey(order.orderId), cur =>
            cur?.[order.orderId]
              ? undefined
              : { ...cur, [order.orderId]: { since: order.createdAt, reannouncements: 0 } },
          ),
        ];
  }

  /** The index update that lets a finished order go (idempotent); none with the watch off. */
  function untrackUpdates(orderId: string): KeyUpdate[] {
    if (off) return [];
    const mutate = (cur: OpenOrders | undefined) => {
      if (!cur?.[orderId]) return undefined;
      const { [orderId]: _done, ...rest } = cur;
      return rest;
    };
    return [keyUpdate<OpenOrders>(shardKey(orderId), mutate)];
  }

  /**
   * Called by POST /orders once its OrderCreated was acknowledged by the bus: the order is owed from then on, even
   * if order's own delivery of that event is lost (the entry keeps the event to announce it again).
   */
  async function trackPublished(event: CloudEvent<EventData<typeof OrderCreated>>): Promise<void> {
    if (off) return;
    const { orderId, createdAt } = event.data;
    await updateState<OpenOrders>(dapr.state, shardKey(orderId), cur =>
      cur?.[orderId] ? undefined : { ...cur, [orderId]: { since: createdAt, reannouncements: 0, created: event } },
    );
  }

  /** Called once an order reached SHIPPED or CANCELLED (idempotent). */
  async function untrack(orderId: string): Promise<void> {
    for (const u of untrackUpdates(orderId)) await updateState(dapr.state, u.key, u.mutate);
  }

  async function shards(): Promise<OpenOrders[]> {
    const all = await dapr.state.getMany<OpenOrders>(
      Array.from({ length: OPEN_ORDER_SHARDS }, (_, i) => keys.openOrders(i)),
    );
    return [...all.values()];
  }

  /** One pass: every due order is re-announced once (or dropped from the index if it has an outcome after all). */
  async function sweep(): Promise<SweepResult> {
    if (off) return { open: 0, reannounced: [], closed: [], stuck: [] };
    const now = deps.now();
    const index = await shards();
    // Oldest first across every shard, so a capped sweep never starves the oldest orders.
    const since = new Map(index.flatMap(s => Object.entries(s).map(([id, o]) => [id, Date.parse(o.since)] as const)));
    const due = index
      .flatMap(s => dueOrders(s, now, policy))
      .sort((a, b) => since.get(a)! - since.get(b)!)
      .slice(0, MAX_PER_SWEEP);
    const result: SweepResult = {
      open: index.reduce((n, s) => n + Object.keys(s).length, 0),
      reannounced: [],
      closed: [],
      stuck: index.flatMap(s => Object.keys(s).filter(id => isStuck(s[id]!, policy))),
    };
    const entries = new Map(index.flatMap(s => Object.entries(s)));
    for (const orderId of due) {
      const stored = (await dapr.state.get<StoredOrder>(keys.order(orderId)))?.value;
      // Published by POST /orders but never recorded by order itself: its own delivery was lost; announce the
      // event POST /orders published. Without that event (an entry from before it was kept) nothing is owed.
      const created = isPlaced(stored) ? undefined : entries.get(orderId)?.created;
      if ((!isPlaced(stored) && !created) || (isPlaced(stored) && isTerminal(stored.status))) {
        await untrack(orderId);
        result.closed.push(orderId);
        continue;
      }
      // Claim this announcement first: with several replicas sweeping, one of them makes it.
      const { changed, value } = await updateState<OpenOrders>(dapr.state, shardKey(orderId), cur => {
        const o = cur?.[orderId];
        if (!o || isStuck(o, policy) || dueAt(o, policy) > now.getTime()) return undefined;
        return {
          ...cur,
          [orderId]: { ...o, reannouncements: o.reannouncements + 1, lastReannouncedAt: now.toISOString() },
        };
      });
      if (!changed) continue;
      const event = isPlaced(stored) ? createdEventOf(stored, config.service) : created!;
      // While the fact is young its first announcement may not have reached anyone (a Redis restart can leave it
      // pending at every consumer group for the component's processingTimeout): everyone gets the copy. Older, only
      // the consumers that move the order.
      await dapr.bus.publish(OrderCreated, announcedAgain(event, REANNOUNCED_TO, now));
      countReannounced();
      const count = value?.[orderId]?.reannouncements;
      log.warn(
        {
          orderId,
          status: isPlaced(stored) ? stored.status : 'not recorded',
          since: entries.get(orderId)?.since,
          reannouncement: count,
        },
        count === policy.maxReannouncements
          ? 'order still open; announced its OrderCreated for the last time (it is now listed as stuck)'
          : 'order still open; announced its OrderCreated again',
      );
      result.reannounced.push(orderId);
    }
    totals.sweeps += 1;
    totals.reannounced += result.reannounced.length;
    return result;
  }

  /** GET shows the index and what this process did; POST sweeps now (operators, tests). Both need the admin token. */
  function mount(router: ServiceRouter): void {
    router.get('/admin/open-orders', async ctx => {
      requireAdmin(ctx, config.adminToken);
      const index = await shards();
      const entries = index.flatMap(s => Object.entries(s));
      ctx.body = {
        open: entries.length,
        stuck: entries
          .filter(([, o]) => isStuck(o, policy))
          .map(([id, { created: _event, ...o }]) => ({ orderId: id, ...o })),
        policy: { ...policy, sweepEveryMs: config.sweepEveryMs },
        thisProcess: totals,
      };
    });
    router.post('/admin/open-orders/sweep', async ctx => {
      requireAdmin(ctx, config.adminToken);
      ctx.body = await sweep();
    });
  }

  return { trackUpdate, untrackUpdates, trackPublished, untrack, sweep, mount, everyMs: off ? 0 : config.sweepEveryMs };
}

export type OpenOrdersWatch = ReturnType<typeof openOrdersWatch>;
