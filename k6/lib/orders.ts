// Request builders for order's API: the event flow, the synchronous chain, reads.
import type { Env } from './env.ts';
import { anOrder } from './payloads.ts';
import { JSON_CONTENT, withTags, type ExtraTags, type Request } from './request.ts';

type Urls = Pick<Env, 'BASE_URL'>;

export interface PlaceOptions {
  /** Sent as Idempotency-Key: the same key and body answer the same order (202, `Idempotent-Replayed: true`). */
  idempotencyKey?: string;
  tags?: ExtraTags;
}

const place = (env: Urls, customerId: string, sync: boolean, o: PlaceOptions): Request => ({
  method: 'POST',
  url: `${env.BASE_URL}/orders${sync ? '?flow=sync' : ''}`,
  body: JSON.stringify(anOrder(customerId)),
  headers: o.idempotencyKey ? { ...JSON_CONTENT, 'Idempotency-Key': o.idempotencyKey } : { ...JSON_CONTENT },
  tags: sync ? withTags('sync', 'POST /orders?flow=sync', o.tags) : withTags('event', 'POST /orders', o.tags),
  expect: [sync ? 201 : 202],
});

/** POST /orders: 202 once OrderCreated is on the bus. */
export const placeOrder = (env: Urls, customerId: string, o: PlaceOptions = {}) => place(env, customerId, false, o);

/** POST /orders?flow=sync: 201 when payment, delivery and notification all answered; 502/504 otherwise. */
export const placeOrderSync = (env: Urls, customerId: string, o: PlaceOptions = {}) => place(env, customerId, true, o);

const read = (url: string, name: string, expect: readonly number[] = [200]): Request => ({
  method: 'GET',
  url,
  body: null,
  headers: {},
  tags: withTags('read', name),
  expect,
});

/** GET /orders/{id}: 404 until order has recorded its own OrderCreated, which a poll expects. */
export const getOrder = (env: Urls, orderId: string) =>
  read(`${env.BASE_URL}/orders/${encodeURIComponent(orderId)}`, 'GET /orders/{id}', [200, 404]);

export const ordersOf = (env: Urls, customerId: string) =>
  read(`${env.BASE_URL}/orders?customerId=${encodeURIComponent(customerId)}`, 'GET /orders?customerId');

export const timeline = (env: Urls, orderId: string) =>
  read(`${env.BASE_URL}/orders/${encodeURIComponent(orderId)}/timeline`, 'GET /orders/{id}/timeline');

export const TERMINAL: readonly string[] = ['SHIPPED', 'CANCELLED'];
