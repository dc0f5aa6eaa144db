// The facts order follows: its own OrderCreated records the order; payment and delivery results move it; a failed
// payment cancels it. A fact that arrives before the order is recorded is parked and applied when it is.
import {
  announcedAgain,
  DeliveryStarted,
  OrderCancelled,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
  type EventData,
} from '@lab/contracts';
import { keyUpdate, on, onState, updateState, type EventContext, type StateEffect, type Subscription } from '@lab/kit';
import type { Deps } from '../deps';
import {
  applyFact,
  applyParked,
  isPlaced,
  isTerminal,
  park,
  placeOrder,
  type Order,
  type OrderFact,
  type StoredOrder,
} from '../domain/order';
import { orderCancelled } from './facts';
import type { OpenOrdersWatch } from '../tasks/open-orders-watch';
import { recordPlaced, type PlacedIndex } from '../placed';
import { keys } from '../store';

export function followSubscriptions(deps: Required<Deps>, watch: OpenOrdersWatch, placed: PlacedIndex): Subscription[] {
  const { dapr, config } = deps;

  /** A cancelled order carries the OrderCancelled it announces, so a redelivery re-announces the same event. */
  function withCancellation(order: Order, traceparent: string): Order {
    if (order.status !== 'CANCELLED' || order.cancelledEvent) return order;
    return { ...order, cancelledEvent: orderCancelled(order, config.service, traceparent) };
  }

  /**
   * Announces the cancellation after it is stored; a redelivery announces it again with the same id: for everyone
   * while it is recent (an earlier publish may have failed), later only where the asking copy was addressed.
   */
  async function announce(value: StoredOrder | undefined, ctx: EventContext) {
    if (!isPlaced(value) || !value.cancelledEvent) return;
    await dapr.bus.publish(OrderCancelled, announcedAgain(value.cancelledEvent, ctx.audience, deps.now()));
  }

  /**
   * Applies the fact to the stored order once, or parks it until the order's OrderCreated is applied; a finished
   * order leaves the open-orders index (its shard read with the order, in one call), and a cancellation is announced.
   * Declared as state effects, so a bulk delivery reads and writes each order once (kit's onState).
   */
  function follow(
    orderId: string,
    fact: OrderFact,
    event: CloudEvent,
    ctx: EventContext,
    reason?: string,
  ): StateEffect {
    let outcome = 'duplicate';
    let stored: StoredOrder | undefined;
    const at = deps.now().toISOString();
    const move = (cur: StoredOrder | undefined): StoredOrder | undefined => {
      if (!isPlaced(cur)) {
        outcome = 'parked until the order is recorded';
        return park(cur, orderId, { event: fact, eventId: event.id, at, ...(reason ? { reason } : {}) });
      }
      const result = applyFact(cur, { fact, eventId: event.id, at, ...(reason ? { reason } : {}) });
      if (result.kind === 'duplicate') return undefined;
      outcome = result.moved ? `moved to ${result.order.status}` : `recorded (too late to move a ${cur.status} order)`;
      return withCancellation(result.order, ctx.traceparent ?? cur.traceparent);
    };
    const finished = () => isPlaced(stored) && isTerminal(stored.status);
    return {
      updates: [
        keyUpdate<StoredOrder>(keys.order(orderId), cur => {
          outcome = 'duplicate';
          const next = move(cur);
          stored = next ?? cur;
          return next;
        }),
        // Written after the order only: an order that left the index has its outcome stored.
        ...watch
          .untrackUpdates(orderId)
          .map(u => ({ key: u.key, mutate: (cur: unknown) => (finished() ? u.mutate(cur) : undefined) })),
      ],
      after: async () => {
        ctx.log.info({ orderId, fact, outcome }, 'order followed a fact');
        await announce(stored, ctx);
      },
    };
  }

  /** order's own OrderCreated: the order becomes readable (first write wins; a redelivery changes nothing). */
  async function record(e: CloudEvent<EventData<typeof OrderCreated>>, ctx: EventContext) {
    const d = e.data;
    const traceparent = e.traceparent ?? ctx.traceparent ?? '';
    const { changed, value } = await updateState<StoredOrder>(dapr.state, keys.order(d.orderId), cur => {
      if (isPlaced(cur)) return undefined;
      const placed = applyParked(placeOrder(d, d.orderId, e.id, d.createdAt, traceparent), cur?.parked ?? []);
      return withCancellation(placed, traceparent);
    });
    // Indexed right away (a fact may finish the order meanwhile; the sweep then only finds it closed): the open
    // orders, the customer's orders and the minute's, all from one read (POST /orders usually wrote two already).
    await recordPlaced(dapr.state, placed, d, isPlaced(value) ? watch.trackUpdate(value) : []);
    if (changed) ctx.log.info({ orderId: d.orderId }, 'order recorded');
    await announce(value, ctx);
  }

  return [
    on(OrderCreated, record),
    onState(PaymentCompleted, dapr.state, (e, ctx) => follow(e.data.orderId, PaymentCompleted.name, e, ctx)),
    onState(PaymentFailed, dapr.state, (e, ctx) => follow(e.data.orderId, PaymentFailed.name, e, ctx, e.data.reason)),
    onState(DeliveryStarted, dapr.state, (e, ctx) => follow(e.data.orderId, DeliveryStarted.name, e, ctx)),
  ];
}
