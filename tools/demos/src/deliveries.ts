// When each fact of an order was published and when each of three subscribers handled it, read back through the
// services' own APIs after a run: the publish instant is the CloudEvent's time (the audit log keeps it), audit's
// own receivedAt, order's history entry and notification's sentAt (each matched by event id). One host, one clock.
import type { Handling } from '@lab/charts';
import type { LocalSystem } from '@lab/runtime';
import { getJson } from './observe';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The facts about an order each subscriber follows (audit follows every one). */
const FOLLOWS: Record<string, string[]> = {
  order: ['PaymentCompleted', 'PaymentFailed', 'DeliveryStarted'],
  notification: ['OrderCreated', 'PaymentCompleted', 'PaymentFailed', 'DeliveryStarted'],
};

/** Every event of the given orders, once per subscriber that follows it; times in ms since t0. */
export async function handlings(system: LocalSystem, orderIds: string[], t0: number): Promise<Handling[]> {
  const out: Handling[] = [];
  const since = (iso: string | undefined) => (iso ? Date.parse(iso) - t0 : undefined);
  for (const id of orderIds) {
    const [audit, order] = await Promise.all([
      getJson(`${system.url('audit')}/audit?orderId=${id}`, system.adminToken),
      getJson(`${system.url('order')}/orders/${id}`),
    ]);
    const customer = String(order.body?.customerId ?? '');
    const inbox = customer
      ? (await getJson(`${system.url('notification')}/notifications?recipient=${encodeURIComponent(customer)}`)).body
      : undefined;
    const sent = new Map<string, string>((inbox?.notifications ?? []).map((n: Json) => [n.eventId, n.sentAt]));
    const history = new Map<string, string>((order.body?.history ?? []).map((h: Json) => [h.eventId, h.at]));
    for (const e of (audit.body?.entries ?? []) as Json[]) {
      const publishedAt = since(e.time)!;
      out.push({ subscriber: 'audit', publishedAt, handledAt: since(e.receivedAt) });
      if (FOLLOWS.order!.includes(e.name))
        out.push({ subscriber: 'order', publishedAt, handledAt: since(history.get(e.eventId)) });
      if (FOLLOWS.notification!.includes(e.name))
        out.push({ subscriber: 'notification', publishedAt, handledAt: since(sent.get(e.eventId)) });
    }
  }
  return out;
}
