// What order announces, in one place: each fact's event id and how its event is built. POST /orders, the
// open-orders watch and the cancellation all build through here, so a fact announced again is the same event
// (same id, same data, same trace) wherever it is announced from.
import { buildEvent, OrderCancelled, OrderCreated, type CloudEvent, type EventData } from '@lab/contracts';
import type { Order } from '../domain/order';

/** Event ids are derived from the order id: announcing a fact again can never make a second fact. */
export const factIds = {
  orderCreated: (orderId: string) => `order-created-${orderId}`,
  orderCancelled: (orderId: string) => `order-cancelled-${orderId}`,
  /** The sync chain records the same facts in the order's history without publishing them (prefix `sync-`). */
  sync: (step: 'order-created' | 'payment' | 'delivery', orderId: string) => `sync-${step}-${orderId}`,
};

/** What OrderCreated says about an order: the order as it was placed. */
export type Placement = EventData<typeof OrderCreated>;

export const placementOf = (o: Pick<Order, keyof Placement>): Placement => ({
  orderId: o.orderId,
  customerId: o.customerId,
  items: o.items,
  totalAmount: o.totalAmount,
  createdAt: o.createdAt,
});

/** OrderCreated for a placement; `traceparent` is the trace the order was placed in ('' or undefined: none). */
export function orderCreated(
  placement: Placement,
  source: string,
  traceparent: string | undefined,
): CloudEvent<Placement> {
  return buildEvent(OrderCreated, placement, {
    source,
    id: factIds.orderCreated(placement.orderId),
    // When it happened, not when it is sent: a re-announcement is the same event, and its age is the order's.
    time: new Date(placement.createdAt),
    traceparent: traceparent || undefined,
  });
}

/** OrderCancelled for a cancelled order: the reason of the fact that cancelled it. */
export function orderCancelled(order: Order, source: string, traceparent: string): CloudEvent {
  const why = order.history.find(h => h.status === 'CANCELLED');
  return buildEvent(
    OrderCancelled,
    {
      orderId: order.orderId,
      customerId: order.customerId,
      reason: why?.reason ?? why?.event ?? 'cancelled',
      cancelledAt: order.updatedAt,
    },
    // Made when the order was cancelled (its time decides whom a later copy goes to: contracts' announcedAgain).
    { source, id: factIds.orderCancelled(order.orderId), traceparent, time: new Date(order.updatedAt) },
  );
}
