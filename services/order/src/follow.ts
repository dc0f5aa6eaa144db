// The facts order follows: payment and delivery results move the order; a failed payment cancels it.
import {
  buildEvent,
  DeliveryStarted,
  OrderCancelled,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
} from '@lab/contracts';
import { on, updateState, type EventContext, type Subscription } from '@lab/kit';
import type { Deps } from './app';
import { applyFact, type Order } from './domain/order';
import { keys } from './store';

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

  return [
    on(PaymentCompleted, (e, ctx) => follow(e.data.orderId, PaymentCompleted.name, e, ctx)),
    on(PaymentFailed, (e, ctx) => follow(e.data.orderId, PaymentFailed.name, e, ctx, e.data.reason)),
    on(DeliveryStarted, (e, ctx) => follow(e.data.orderId, DeliveryStarted.name, e, ctx)),
  ];
}
