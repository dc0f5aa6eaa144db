// What order's HTTP API takes and answers: the request schema of POST /orders and the shape of every answer.
import { z } from 'zod';
import { Id, MAX_ITEMS, MAX_ORDER_TOTAL, OrderItem, orderTotal } from './events';

const instant = z.iso.datetime();
/** A query instant (GET /admin/orders?from=&to=): RFC 3339, `Z` or an offset; what Date.parse alone takes is wider. */
export const QueryInstant = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const items = z.array(OrderItem).min(1).max(MAX_ITEMS);

export const PlaceOrderRequest = z
  .strictObject({ customerId: Id, items })
  .refine(r => orderTotal(r.items) <= MAX_ORDER_TOTAL, {
    path: ['items'],
    message: `the order total (sum of quantity * unitPrice) must be at most ${MAX_ORDER_TOTAL}`,
  })
  .describe(`The order total (sum of quantity * unitPrice) must be at most ${MAX_ORDER_TOTAL}.`);
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

export const OrderStatus = z.enum(['PENDING', 'PAID', 'SHIPPED', 'CANCELLED']);

export const OrderHistoryEntry = z.strictObject({
  event: z.enum(['OrderCreated', 'PaymentCompleted', 'PaymentFailed', 'DeliveryStarted']).describe('the fact'),
  eventId: z.string().min(1).describe('the id of the event that carried it; a redelivery changes nothing'),
  status: OrderStatus,
  at: instant,
  reason: z.string().optional().describe('why the payment failed'),
});

/** GET /orders/{orderId}: the order as order stored it from its own OrderCreated and the facts that followed. */
export const OrderView = z.strictObject({
  orderId: Id,
  customerId: Id,
  items,
  totalAmount: z.number().int().nonnegative().max(MAX_ORDER_TOTAL),
  status: OrderStatus,
  createdAt: instant,
  updatedAt: instant,
  traceparent: z.string().describe('W3C trace context of the request that placed it (empty when none was known)'),
  history: z.array(OrderHistoryEntry).min(1).describe('every fact applied, oldest first; a late one moves nothing'),
});

/** POST /orders, 202: the order is announced (status PENDING, or where a replayed order is now). */
export const OrderAccepted = z.strictObject({ orderId: Id, status: OrderStatus });
/** POST /orders?flow=sync, 201: the whole synchronous chain answered. */
export const OrderPlacedSync = z.strictObject({ orderId: Id, status: OrderStatus, flow: z.literal('sync') });
export const CustomerOrders = z.strictObject({
  customerId: Id,
  orders: z.array(OrderView).describe('newest first'),
});

export const TimelineEvent = z.strictObject({
  event: z.string().describe('the fact (contract name)'),
  eventId: z.string(),
  service: z.string().describe('who announced it'),
  traceId: z.string().optional(),
  at: z.string(),
  sincePlacedMs: z.number().int(),
});
export const OrderTimeline = z.strictObject({
  orderId: Id,
  status: OrderStatus,
  traceId: z.string().optional(),
  events: z.array(TimelineEvent).describe('every fact about the order in the audit log, by time'),
});

/** GET /admin/orders: every order placed in [from, to], recorded or still owed. */
export const PlacedOrders = z.strictObject({
  from: instant,
  to: instant,
  count,
  orderIds: z.array(Id),
  notYetRecorded: z.array(Id).describe('accepted (their OrderCreated was published) but not recorded by order yet'),
});
export const StuckOrder = z.strictObject({
  orderId: Id,
  since: instant,
  reannouncements: count.describe('times its OrderCreated was announced again'),
  lastReannouncedAt: instant.optional(),
});
export const OpenOrdersReport = z.strictObject({
  open: count,
  stuck: z.array(StuckOrder).describe('announced again as often as allowed, still open: left to an operator'),
  policy: z.strictObject({ staleAfterMs: count, maxReannouncements: count, sweepEveryMs: count }),
  thisProcess: z.strictObject({ sweeps: count, reannounced: count }),
});
export const OpenOrdersSweep = z.strictObject({
  open: count,
  reannounced: z.array(Id),
  closed: z.array(Id).describe('dropped from the index: they had an outcome after all'),
  stuck: z.array(Id),
});
