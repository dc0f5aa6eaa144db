// order's HTTP API: its public and admin routes, with what each takes and answers (schemas in order-http.ts).
import { z } from 'zod';
import { Id, OrderItem } from './events';
import { defineApi, type HttpAnswer, type HttpParam } from './http';
import {
  CustomerOrders,
  OpenOrdersReport,
  OpenOrdersSweep,
  OrderAccepted,
  OrderHistoryEntry,
  OrderPlacedSync,
  OrderStatus,
  OrderTimeline,
  OrderView,
  PlacedOrders,
  PlaceOrderRequest,
  QueryInstant,
  StuckOrder,
  TimelineEvent,
} from './order-http';

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
        { in: 'query', name: 'from', schema: QueryInstant, description: 'default: `to` - 1 h' },
        { in: 'query', name: 'to', schema: QueryInstant, description: 'default: now' },
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
