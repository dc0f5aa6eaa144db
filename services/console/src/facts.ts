// The console as a subscriber: one handler per business fact, none of which any publisher knows about.
import {
  DeliveryStarted,
  OrderCancelled,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  UserRegistered,
  type CloudEvent,
  type EventContract,
} from '@lab/contracts';
import { on, traceIdOf, type EventContext, type Subscription } from '@lab/kit';
import type { OrderBoard } from './domain/orders';

const ORDER_FACTS = [OrderCreated, PaymentCompleted, PaymentFailed, DeliveryStarted, OrderCancelled] as const;

export function factSubscriptions(board: OrderBoard, changed: () => void, now: () => Date): Subscription[] {
  const recorder =
    (contract: EventContract) =>
    async (e: CloudEvent<{ orderId: string }>, ctx: EventContext): Promise<void> => {
      const fresh = board.record(e.data.orderId, {
        eventId: e.id,
        type: contract.name,
        topic: contract.topic,
        publisher: e.source,
        time: e.time,
        receivedAt: now().toISOString(),
        // The envelope's trace context (the publisher's), else the delivery's.
        traceId: traceIdOf(e.traceparent) ?? traceIdOf(ctx.traceparent) ?? null,
      });
      if (fresh) changed();
    };
  return [
    ...ORDER_FACTS.map(c => on(c as typeof OrderCreated, recorder(c))),
    // Sign-ups carry no order: the graph counts them (rates, backlogs), the board has nothing to add.
    on(UserRegistered, async () => changed()),
  ];
}
