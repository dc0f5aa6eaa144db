// What each fact tells a person, and to whom.
import type { EventData } from '@lab/contracts';
import type { DeliveryStarted, OrderCreated, PaymentCompleted, PaymentFailed, UserRegistered } from '@lab/contracts';

export interface Notification {
  eventId: string;
  event: string;
  recipient: string;
  channel: 'email' | 'push';
  subject: string;
  body: string;
  sentAt: string;
}

export type Message = Pick<Notification, 'recipient' | 'channel' | 'subject' | 'body'>;

/**
 * An amount as people read it: whole won (the contracts' money), thousands grouped with commas. Written out rather
 * than `toLocaleString('en-US')`, which would wake ICU's number formatting in every notification process for one
 * comma: its data alone is 5 MB of resident memory (docs/performance.md, footprint).
 */
export const won = (n: number) => `${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} KRW`;

export const messages = {
  OrderCreated: (d: EventData<typeof OrderCreated>): Message => ({
    recipient: d.customerId,
    channel: 'push',
    subject: 'Order received',
    body: `We received order ${d.orderId} (${won(d.totalAmount)}).`,
  }),
  PaymentCompleted: (d: EventData<typeof PaymentCompleted>): Message => ({
    recipient: d.customerId,
    channel: 'push',
    subject: 'Payment completed',
    body: `Payment of ${won(d.amount)} for order ${d.orderId} is complete.`,
  }),
  PaymentFailed: (d: EventData<typeof PaymentFailed>): Message => ({
    recipient: d.customerId,
    channel: 'push',
    subject: 'Payment failed',
    body: `Payment for order ${d.orderId} failed: ${d.reason}. The order is cancelled.`,
  }),
  DeliveryStarted: (d: EventData<typeof DeliveryStarted>): Message => ({
    recipient: d.customerId,
    channel: 'push',
    subject: 'On its way',
    body: `Order ${d.orderId} has left the warehouse (delivery ${d.deliveryId}).`,
  }),
  UserRegistered: (d: EventData<typeof UserRegistered>): Message => ({
    recipient: d.email,
    channel: 'email',
    subject: `Welcome, ${d.name}`,
    body: 'Thanks for signing up. Your welcome points are waiting.',
  }),
};
