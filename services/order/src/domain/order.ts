// The order aggregate: how an order is placed and which facts move it to which status.
import { z } from 'zod';
import { OrderItem } from '@lab/contracts';

export const PlaceOrderRequest = z.strictObject({
  customerId: z.string().min(1).max(128),
  items: z.array(OrderItem).min(1).max(100),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';

export interface HistoryEntry {
  /** The fact that moved the order (CloudEvent type name, e.g. PaymentCompleted). */
  event: string;
  eventId: string;
  status: OrderStatus;
  at: string;
}

export interface Order {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  totalAmount: number;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

export function placeOrder(req: PlaceOrderRequest, orderId: string, eventId: string, now: Date): Order {
  const at = now.toISOString();
  return {
    orderId,
    customerId: req.customerId,
    items: req.items,
    totalAmount: req.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
    history: [{ event: 'OrderCreated', eventId, status: 'PENDING', at }],
  };
}

/** Which statuses a fact may move an order from, and to. */
const transitions: Record<string, { from: OrderStatus[]; to: OrderStatus }> = {
  PaymentCompleted: { from: ['PENDING'], to: 'PAID' },
};

export type ApplyResult = { kind: 'applied'; order: Order } | { kind: 'duplicate' } | { kind: 'ignored'; why: string };

/** Applies a fact once: a redelivered event (same id) changes nothing. */
export function applyFact(order: Order, event: string, eventId: string, now: Date): ApplyResult {
  if (order.history.some(h => h.eventId === eventId)) return { kind: 'duplicate' };
  const rule = transitions[event];
  if (!rule) return { kind: 'ignored', why: `order does not follow ${event}` };
  if (!rule.from.includes(order.status)) {
    return { kind: 'ignored', why: `${event} cannot move an order from ${order.status}` };
  }
  const at = now.toISOString();
  return {
    kind: 'applied',
    order: {
      ...order,
      status: rule.to,
      updatedAt: at,
      history: [...order.history, { event, eventId, status: rule.to, at }],
    },
  };
}
