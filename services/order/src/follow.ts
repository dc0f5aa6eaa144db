// The facts order follows: its own OrderCreated records the order; payment and delivery results move it; a failed payment cancels it.
import {
  buildEvent,
  DeliveryStarted,
  OrderCancelled,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
  type EventData,
} from '@lab/contracts';
import { capped, on, updateState, type EventContext, type Subscription } from '@lab/kit';
import type { Deps } from './app';
import { applyFact, placeOrder, type Order } from './domain/order';
import { keys, MAX_ORDERS_PER_CUSTOMER } from './store';

export function followSubscriptions(deps: Required<Deps>): Subscription[] {
  const { dapr, config } = deps;

  /** Applies the fact to the stored order once; throws (-> redelivery) while the order is not visible yet. */
  async function follow(orderId: string, fact: string, event: CloudEvent, ctx: EventContext, reason?: string) {
    let outcome = 'duplicate';
    const { value } = await updateState<Order>(dapr.state, keys.order(orderId), cur => {
      if (!cur) throw new Error(`order ${orderId} is not stored yet`);
      const result = applyFact(cur, fact, event.id, deps.now().toISOString(), reason);
      if (result.kind === 'duplicate') return undefined;
      outcome = result.moved ? `moved to ${result.order.status}` : `recorded (too late to move a ${cur.status} order)`;
      if (result.moved && result.order.status === 'CANCELLED') {
        result.order.cancelledEvent = buildEvent(
          OrderCancelled,
          { orderId, customerId: cur.customerId, reason: reason ?? fact, cancelledAt: result.order.updatedAt },
          { source: config.service, id: `order-cancelled-${orderId}`, traceparent: ctx.traceparent ?? cur.traceparent },
        );
      }
      return result.order;
    });
    ctx.log.info({ orderId, fact, outcome }, 'order followed a fact');
    // Announce the cancellation after it is stored; a redelivery announces it again with the same id.
    if (value?.cancelledEvent) await dapr.bus.publish(OrderCancelled, value.cancelledEvent);
  }

  /** order's own OrderCreated: the order becomes readable (first write wins; a redelivery changes nothing). */
  async function record(e: CloudEvent<EventData<typeof OrderCreated>>, ctx: EventContext) {
    const d = e.data;
    const order = placeOrder(d, d.orderId, e.id, d.createdAt, e.traceparent ?? ctx.traceparent ?? '');
    const { changed } = await updateState<Order>(dapr.state, keys.order(d.orderId), cur => (cur ? undefined : order));
    await updateState<string[]>(dapr.state, keys.byCustomer(d.customerId), cur =>
      cur?.includes(d.orderId) ? undefined : capped([...(cur ?? []), d.orderId], MAX_ORDERS_PER_CUSTOMER),
    );
    if (changed) ctx.log.info({ orderId: d.orderId }, 'order recorded');
  }

  return [
    on(OrderCreated, record),
    on(PaymentCompleted, (e, ctx) => follow(e.data.orderId, PaymentCompleted.name, e, ctx)),
    on(PaymentFailed, (e, ctx) => follow(e.data.orderId, PaymentFailed.name, e, ctx, e.data.reason)),
    on(DeliveryStarted, (e, ctx) => follow(e.data.orderId, DeliveryStarted.name, e, ctx)),
  ];
}
