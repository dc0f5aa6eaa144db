// Request builders for order's API: the event flow, the synchronous chain, reads.
import http from 'k6/http';
import { env } from '../lib/env.js';

const json = { 'Content-Type': 'application/json' };

export const anOrder = customerId => ({ customerId, items: [{ sku: 'book', quantity: 1, unitPrice: 1200 }] });

/** POST /orders: 202 once OrderCreated is on the bus. */
export function placeOrder(customerId, tags = {}) {
  return http.post(`${env.BASE_URL}/orders`, JSON.stringify(anOrder(customerId)), {
    headers: json,
    tags: { flow: 'event', name: 'POST /orders', ...tags },
    responseCallback: http.expectedStatuses(202),
  });
}

/** POST /orders?flow=sync: 201 when payment, delivery and notification all answered; 502/504 otherwise. */
export function placeOrderSync(customerId, tags = {}) {
  return http.post(`${env.BASE_URL}/orders?flow=sync`, JSON.stringify(anOrder(customerId)), {
    headers: json,
    tags: { flow: 'sync', name: 'POST /orders?flow=sync', ...tags },
    responseCallback: http.expectedStatuses(201),
  });
}

export function getOrder(orderId) {
  return http.get(`${env.BASE_URL}/orders/${orderId}`, {
    tags: { flow: 'read', name: 'GET /orders/{id}' },
    responseCallback: http.expectedStatuses(200, 404),
  });
}

export function ordersOf(customerId) {
  return http.get(`${env.BASE_URL}/orders?customerId=${encodeURIComponent(customerId)}`, {
    tags: { flow: 'read', name: 'GET /orders?customerId' },
  });
}

export function timeline(orderId) {
  return http.get(`${env.BASE_URL}/orders/${orderId}/timeline`, {
    tags: { flow: 'read', name: 'GET /orders/{id}/timeline' },
  });
}

export const TERMINAL = ['SHIPPED', 'CANCELLED'];
