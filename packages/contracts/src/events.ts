// The facts this system announces. Publishers build them and subscribers check them only through these contracts.
import { z } from 'zod';
import { defineEvent } from './define';

const id = z.string().min(1).max(128);
const instant = z.iso.datetime();
const money = z.number().int().nonnegative();

export const OrderItem = z.strictObject({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(1000),
  unitPrice: money,
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderCreated = defineEvent({
  name: 'OrderCreated',
  topic: 'order-created',
  type: 'lab.order.created.v1',
  description: 'A customer placed an order; it waits for payment.',
  schema: z.object({
    orderId: id,
    customerId: id,
    items: z.array(OrderItem).min(1).max(100),
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
 * contract; daprd also forwards here, as they were, events whose delivery failed after every retry.
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
