// The facts this system announces. Publishers build them and subscribers check them only through these contracts.
import { z } from 'zod';
import { defineEvent } from './define';

/**
 * Every id that becomes part of a state key (orderId, customerId, userId, paymentId, deliveryId, Idempotency-Key,
 * path and query ids): 1-128 of A-Z a-z 0-9 `.` `_` `:` `-`. daprd refuses keys containing `||` (its own separator),
 * and a key it refuses fails every retry: such an id is refused at the edge (400) and in events (dead letter).
 */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const Id = z
  .string()
  .regex(ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ : - (ids become state keys)');
const id = Id;
const instant = z.iso.datetime();

/**
 * Business bounds (amounts in KRW, whole won): a unit price at most 10^9 and an order total at most 10^12. With
 * at most 100 items of at most 1000 each, every partial sum of quantity * unitPrice is at most 10^14, far below
 * Number.MAX_SAFE_INTEGER (about 9 * 10^15): totals are exact, and an order that passes the request schema always
 * builds its event.
 */
export const MAX_UNIT_PRICE = 1_000_000_000;
export const MAX_ORDER_TOTAL = 1_000_000_000_000;
export const MAX_QUANTITY = 1000;
export const MAX_ITEMS = 100;
const money = z.number().int().nonnegative().max(MAX_ORDER_TOTAL);

export const OrderItem = z.strictObject({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
  unitPrice: z.number().int().nonnegative().max(MAX_UNIT_PRICE),
});

/** What the items of an order cost together (exact: the bounds above keep every partial sum a safe integer). */
export const orderTotal = (items: readonly OrderItem[]) => items.reduce((s, i) => s + i.quantity * i.unitPrice, 0);
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderCreated = defineEvent({
  name: 'OrderCreated',
  topic: 'order-created',
  type: 'lab.order.created.v1',
  description: 'A customer placed an order; it waits for payment.',
  schema: z.object({
    orderId: id,
    customerId: id,
    items: z.array(OrderItem).min(1).max(MAX_ITEMS),
    totalAmount: money,
    createdAt: instant,
  }),
  key: d => d.orderId,
});

export const PaymentCompleted = defineEvent({
  name: 'PaymentCompleted',
  topic: 'payment-completed',
  type: 'lab.payment.completed.v1',
  description: 'The payment gateway approved the charge for an order.',
  schema: z.object({
    orderId: id,
    paymentId: id,
    customerId: id,
    amount: money,
    completedAt: instant,
  }),
  key: d => d.orderId,
});

export const PaymentFailed = defineEvent({
  name: 'PaymentFailed',
  topic: 'payment-failed',
  type: 'lab.payment.failed.v1',
  description: 'The payment gateway declined the charge, or it could not be made.',
  schema: z.object({
    orderId: id,
    customerId: id,
    amount: money,
    reason: z.string().min(1).max(500),
    failedAt: instant,
  }),
  key: d => d.orderId,
});

export const DeliveryStarted = defineEvent({
  name: 'DeliveryStarted',
  topic: 'delivery-started',
  type: 'lab.delivery.started.v1',
  description: 'A paid order left the warehouse.',
  schema: z.object({
    orderId: id,
    deliveryId: id,
    customerId: id,
    startedAt: instant,
  }),
  key: d => d.orderId,
});

export const OrderCancelled = defineEvent({
  name: 'OrderCancelled',
  topic: 'order-cancelled',
  type: 'lab.order.cancelled.v1',
  description: 'An order will not be fulfilled (its payment failed).',
  schema: z.object({
    orderId: id,
    customerId: id,
    reason: z.string().min(1).max(500),
    cancelledAt: instant,
  }),
  key: d => d.orderId,
});

export const UserRegistered = defineEvent({
  name: 'UserRegistered',
  topic: 'user-registered',
  type: 'lab.user.registered.v1',
  description: 'A person signed up.',
  schema: z.object({
    userId: id,
    email: z.email().max(254),
    name: z.string().min(1).max(200),
    registeredAt: instant,
  }),
  key: d => d.userId,
});

/**
 * An event a consumer could not use, with the reason. Consumers publish it for events that break their
 * contract or can never succeed; daprd forwards events whose delivery failed after every retry, as they were, to
 * the consumer's own topic (forwardedDeadLetterTopic).
 */
export const DeadLettered = defineEvent({
  name: 'DeadLettered',
  topic: 'dead-letters',
  type: 'lab.deadletter.v1',
  description:
    'A consumer set an event aside: it broke the contract or kept failing. Holds the reason and the original.',
  schema: z.object({
    reason: z.string().min(1).max(2000),
    /** The topic the event came from. */
    topic: z.string().min(1).max(200),
    /** The consumer that set it aside. */
    service: z.string().min(1).max(100),
    /** The original body, as received. */
    original: z.unknown(),
    deadLetteredAt: instant,
  }),
  key: d => d.topic,
});

/**
 * Where a consumer's sidecar forwards, as it was, an event whose delivery kept failing after every retry: one topic
 * per consumer (`dead-letters-<service>`), so the letter says whose it was. With one topic for all, the letters of
 * one event forwarded by two consumers were one letter, and its replay could only go to everyone.
 */
export const forwardedDeadLetterTopic = (service: string) => `${DeadLettered.topic}-${service}`;

/** Every contract, in a stable order. */
export const allEvents = [
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  DeliveryStarted,
  OrderCancelled,
  UserRegistered,
  DeadLettered,
] as const;

/** The business facts (everything but the dead-letter channel). */
export const businessEvents = allEvents.filter(e => e !== DeadLettered);
