// Every order order has recorded, by the minute it was placed: the index that lists all orders (the verifier's and an
// operator's), where audit's index by type keeps only a window. GET /admin/orders?from=&to= reads it.
import { QueryInstant } from '@lab/contracts';
import {
  capped,
  HttpError,
  requireAdmin,
  shardOf,
  updateEach,
  type KeyUpdate,
  type ServiceRouter,
  type StateStore,
} from '@lab/kit';
import type { Deps } from './deps';
import type { OpenOrders } from './domain/open-orders';
import { keys, MAX_ORDERS_PER_CUSTOMER, OPEN_ORDER_SHARDS } from './store';

/** Shards per minute: concurrent recordings of one minute rarely write the same key. */
export const PLACED_SHARDS = 8;
/** The widest span one read may ask for (a day is 1,440 minutes x 8 shards = 11,520 keys). */
export const MAX_SPAN_MS = 24 * 60 * 60_000;
/** Keys read per state call. */
const READ_BATCH = 480;

export const minuteOf = (iso: string) => iso.slice(0, 16);

/** The minutes from `from` to `to` (both included), as "2026-12-02T13:04". */
export function minutesBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  const first = Math.floor(from.getTime() / 60_000) * 60_000;
  for (let t = first; t <= to.getTime(); t += 60_000) out.push(minuteOf(new Date(t).toISOString()));
  return out;
}

export function placedIndex(deps: Required<Deps>) {
  const { dapr, config } = deps;

  /** Idempotent: a redelivered OrderCreated (or a replayed sync request) finds the id listed already. */
  function add(orderId: string, createdAt: string): KeyUpdate {
    return {
      key: keys.placed(minuteOf(createdAt), shardOf(orderId, PLACED_SHARDS)),
      mutate: cur =>
        (cur as string[] | undefined)?.includes(orderId) ? undefined : [...((cur as string[]) ?? []), orderId],
    };
  }

  async function list(from: Date, to: Date): Promise<string[]> {
    const all = minutesBetween(from, to).flatMap(m =>
      Array.from({ length: PLACED_SHARDS }, (_, s) => keys.placed(m, s)),
    );
    const ids: string[] = [];
    for (let i = 0; i < all.length; i += READ_BATCH) {
      for (const page of (await dapr.state.getMany<string[]>(all.slice(i, i + READ_BATCH))).values()) ids.push(...page);
    }
    return ids;
  }

  // The declared parameter schema, not Date.parse alone: that also takes `0.5`, `2026-12-02` or `Dec 2, 2026`.
  const instant = (raw: unknown, field: string, fallback: Date): Date => {
    if (raw === undefined) return fallback;
    const r = QueryInstant.safeParse(raw);
    if (!r.success) {
      throw new HttpError(400, 'invalid_request', `${field} must be an RFC 3339 instant`, [
        { field, message: 'an RFC 3339 instant with Z or an offset, e.g. 2026-12-02T13:00:00Z' },
      ]);
    }
    return new Date(r.data);
  };

  /**
   * The orders placed in [from, to] (default: the last hour), recorded or still only owed: an order whose own
   * OrderCreated order has not recorded yet is listed from the open-orders index, so no accepted order is missing.
   */
  function mount(router: ServiceRouter): void {
    router.get('/admin/orders', async ctx => {
      requireAdmin(ctx, config.adminToken);
      const to = instant(ctx.query.to, 'to', deps.now());
      const from = instant(ctx.query.from, 'from', new Date(to.getTime() - 60 * 60_000));
      if (from > to || to.getTime() - from.getTime() > MAX_SPAN_MS) {
        throw new HttpError(400, 'invalid_request', 'from must be before to, at most 24 hours apart', [
          { field: 'from', message: 'at most 24 hours before to' },
        ]);
      }
      const recorded = await list(from, to);
      const seen = new Set(recorded);
      const open = await dapr.state.getMany<OpenOrders>(
        Array.from({ length: OPEN_ORDER_SHARDS }, (_, i) => keys.openOrders(i)),
      );
      const owed = [...open.values()]
        .flatMap(s => Object.entries(s))
        .filter(
          ([id, o]) =>
            !seen.has(id) && minuteOf(o.since) >= minuteOf(from.toISOString()) && o.since <= to.toISOString(),
        )
        .map(([id]) => id);
      const orderIds = [...recorded, ...owed];
      ctx.body = {
        from: from.toISOString(),
        to: to.toISOString(),
        count: orderIds.length,
        orderIds,
        notYetRecorded: owed,
      };
    });
  }

  return { add, list, mount };
}

export type PlacedIndex = ReturnType<typeof placedIndex>;

/**
 * Lists a recorded order where it is looked up: under its customer (newest MAX_ORDERS_PER_CUSTOMER kept) and by the
 * minute it was placed. Both flows call it once the order is stored; both writes are idempotent.
 */
export async function recordPlaced(
  state: StateStore,
  placed: PlacedIndex,
  order: { orderId: string; customerId: string; createdAt: string },
  also: readonly KeyUpdate[] = [],
): Promise<void> {
  await updateEach(state, [...placedUpdates(placed, order), ...also]);
}

/** recordPlaced's two index updates, for a caller that has more keys to update from the same read. */
export function placedUpdates(
  placed: PlacedIndex,
  order: { orderId: string; customerId: string; createdAt: string },
): KeyUpdate[] {
  return [
    {
      key: keys.byCustomer(order.customerId),
      mutate: cur => {
        const ids = (cur as string[] | undefined) ?? [];
        return ids.includes(order.orderId) ? undefined : capped([...ids, order.orderId], MAX_ORDERS_PER_CUSTOMER);
      },
    },
    placed.add(order.orderId, order.createdAt),
  ];
}
