// order's HTTP API: what POST /orders takes, what each public and admin route answers, and the route table.
import { z } from 'zod';
import { Id, MAX_ITEMS, MAX_ORDER_TOTAL, OrderItem, orderTotal } from './events';
import { defineApi, type HttpAnswer, type HttpParam } from './http';

const instant = z.iso.datetime();
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
  nudges: count.describe('times its OrderCreated was announced again'),
  lastNudgeAt: instant.optional(),
});
export const OpenOrdersReport = z.strictObject({
  open: count,
  stuck: z.array(StuckOrder).describe('announced again as often as allowed, still open: left to an operator'),
  policy: z.strictObject({ staleAfterMs: count, maxNudges: count, sweepEveryMs: count }),
  thisProcess: z.strictObject({ sweeps: count, reannounced: count }),
});
export const OpenOrdersSweep = z.strictObject({
  open: count,
  reannounced: z.array(Id),
  closed: z.array(Id).describe('dropped from the index: they had an outcome after all'),
  stuck: z.array(Id),
});

const orderId: HttpParam = { in: 'path', name: 'orderId', schema: Id, description: 'the order id' };
const located = (what: string) => ({ schema: z.string(), description: `where to read ${what}` });
const replayed = {
  schema: z.literal('true'),
  description: 'present when an Idempotency-Key replay answered an order placed before',
};
const accepted: HttpAnswer = {
  description: 'announced: OrderCreated is on the bus; the order is readable once order has recorded it',
  body: OrderAccepted,
  headers: {
    Location: located('the order'),
    traceparent: { schema: z.string(), description: 'the trace the order travels in' },
    'Idempotent-Replayed': replayed,
  },
};
const placedSync: HttpAnswer = {
  description: '?flow=sync: payment, delivery and notification all answered; the order is stored',
  body: OrderPlacedSync,
  headers: { Location: located('the order'), 'Idempotent-Replayed': replayed },
};

export const orderApi = defineApi({
  service: 'order',
  title: 'order',
  version: '1.0.0',
  description:
    'Takes orders and follows the facts that move them: PENDING -> PAID -> SHIPPED, or CANCELLED. POST /orders ' +
    'announces OrderCreated and answers 202; the order is stored when order receives its own event.',
  schemas: {
    Id,
    OrderItem,
    OrderStatus,
    OrderHistoryEntry,
    PlaceOrderRequest,
    OrderAccepted,
    OrderPlacedSync,
    Order: OrderView,
    CustomerOrders,
    TimelineEvent,
    OrderTimeline,
    PlacedOrders,
    StuckOrder,
    OpenOrdersReport,
    SweepResult: OpenOrdersSweep,
  },
  operations: [
    {
      id: 'placeOrder',
      method: 'post',
      path: '/orders',
      summary: 'Place an order',
      description:
        'Event first: the one write is OrderCreated on the bus (202). With `?flow=sync` (or `X-Flow: sync`) order ' +
        'calls payment, delivery and notification in turn and answers 201 when all have (the synchronous chain, ' +
        'kept for comparison). The same Idempotency-Key with the same body answers the same order in both flows.',
      params: [
        { in: 'header', name: 'Idempotency-Key', schema: Id, description: 'same key and body: the same order' },
        { in: 'query', name: 'flow', schema: z.literal('sync'), description: 'the synchronous chain instead' },
        { in: 'header', name: 'X-Flow', schema: z.literal('sync'), description: 'the same as `?flow=sync`' },
        { in: 'header', name: 'traceparent', schema: z.string(), description: 'W3C trace context to continue' },
      ],
      body: PlaceOrderRequest,
      answers: { 201: placedSync, 202: accepted },
      errors: {
        400: ['validation_failed'],
        409: ['conflict'],
        502: ['downstream_failed'],
        503: ['sidecar_unavailable'],
        504: ['downstream_unreachable'],
      },
    },
    {
      id: 'listCustomerOrders',
      method: 'get',
      path: '/orders',
      summary: "A customer's orders",
      description: 'Fails as a whole (never a partial list) when one order cannot be read.',
      params: [{ in: 'query', name: 'customerId', schema: Id, required: true, description: 'the customer' }],
      answers: { 200: { description: 'the orders order has recorded', body: CustomerOrders } },
      errors: { 400: ['validation_failed'], 503: ['sidecar_unavailable'] },
    },
    {
      id: 'getOrder',
      method: 'get',
      path: '/orders/{orderId}',
      summary: 'An order',
      params: [orderId],
      answers: { 200: { description: 'the order', body: OrderView } },
      errors: { 400: ['validation_failed'], 404: ['not_found'], 503: ['sidecar_unavailable'] },
    },
    {
      id: 'getOrderTimeline',
      method: 'get',
      path: '/orders/{orderId}/timeline',
      summary: "An order's timeline across every service",
      description: 'Asks the audit log synchronously (Dapr service invocation).',
      params: [orderId],
      answers: { 200: { description: 'every fact about the order', body: OrderTimeline } },
      errors: {
        400: ['validation_failed'],
        404: ['not_found'],
        503: ['sidecar_unavailable', 'audit_unavailable'],
      },
    },
    {
      id: 'listPlacedOrders',
      method: 'get',
      path: '/admin/orders',
      summary: 'Every order placed in a span (at most 24 hours; default: the last hour)',
      admin: true,
      params: [
        { in: 'query', name: 'from', schema: z.iso.datetime({ offset: true }), description: 'default: `to` - 1 h' },
        { in: 'query', name: 'to', schema: z.iso.datetime({ offset: true }), description: 'default: now' },
      ],
      answers: { 200: { description: 'the orders, recorded or owed', body: PlacedOrders } },
      errors: { 400: ['invalid_request'], 503: ['sidecar_unavailable'] },
    },
    {
      id: 'getOpenOrders',
      method: 'get',
      path: '/admin/open-orders',
      summary: 'The open-orders watch: its index, the stuck orders, what this process announced',
      admin: true,
      answers: { 200: { description: 'the watch', body: OpenOrdersReport } },
      errors: { 503: ['sidecar_unavailable'] },
    },
    {
      id: 'sweepOpenOrders',
      method: 'post',
      path: '/admin/open-orders/sweep',
      summary: 'Sweep now: announce every stale open order again',
      admin: true,
      answers: { 200: { description: 'what the sweep did', body: OpenOrdersSweep } },
      errors: { 503: ['sidecar_unavailable'] },
    },
  ],
});
