// Read side: an order, a customer's orders, and an order's timeline across every service.
import { HttpError, mapBounded, notFound, traceIdOf, validId, type ServiceRouter } from '@lab/kit';
import type { Deps } from '../deps';
import { isPlaced, type StoredOrder } from '../domain/order';
import { keys } from '../store';

/** Order reads in flight at once for one customer's list. */
export const LIST_READS_IN_FLIGHT = 16;

interface AuditEntry {
  eventId: string;
  name: string;
  type: string;
  source: string;
  time: string;
  traceId?: string;
}

export function mountReads(router: ServiceRouter, deps: Required<Deps>): void {
  const { dapr, config } = deps;

  const load = async (id: string) => {
    // Facts parked before the order's own OrderCreated do not make an order yet.
    const entry = await dapr.state.get<StoredOrder>(keys.order(id));
    if (!entry || !isPlaced(entry.value)) throw notFound(`order ${id}`);
    const { cancelledEvent: _c, ...order } = entry.value;
    return order;
  };

  /** A listed order that is not (yet) readable is left out; any other failure fails the whole answer. */
  const loadListed = (id: string) =>
    load(id).catch((err: unknown) => {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    });

  router.get('/orders', async ctx => {
    const customerId = validId(ctx.query.customerId, 'customerId');
    const ids = (await dapr.state.get<string[]>(keys.byCustomer(customerId)))?.value ?? [];
    // At most LIST_READS_IN_FLIGHT reads at once (a customer may have 1000 orders), and an error rather than a
    // list silently missing the orders whose read failed.
    const orders = await mapBounded(ids, LIST_READS_IN_FLIGHT, loadListed);
    ctx.body = { customerId, orders: orders.filter(o => o !== undefined).reverse() };
  });

  router.get('/orders/:id', async ctx => {
    ctx.body = await load(validId(ctx.params.id, 'orderId'));
  });

  /** Every fact about the order, from the audit log (a synchronous query: the answer is needed now). */
  router.get('/orders/:id/timeline', async ctx => {
    const order = await load(validId(ctx.params.id, 'orderId'));
    const res = await dapr.invoker.invoke<{ entries: AuditEntry[] }>(
      config.auditAppId,
      `audit?subject=${encodeURIComponent(order.orderId)}`,
      { headers: { traceparent: order.traceparent } },
    );
    if (res.status !== 200) {
      throw new HttpError(503, 'audit_unavailable', `the audit log answered ${res.status}; the timeline needs it`);
    }
    const placed = Date.parse(order.createdAt);
    const events = [...res.body.entries]
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
      .map(e => ({
        event: e.name,
        eventId: e.eventId,
        service: e.source,
        traceId: e.traceId,
        at: e.time,
        sincePlacedMs: Date.parse(e.time) - placed,
      }));
    ctx.body = { orderId: order.orderId, status: order.status, traceId: traceIdOf(order.traceparent), events };
  });
}
