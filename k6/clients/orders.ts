// order's API from a VU: lib/orders.ts's requests, sent.
import * as orders from '../lib/orders.ts';
import { env } from './env.ts';
import { send } from './http.ts';

export const placeOrder = (customerId: string, o?: orders.PlaceOptions) => send(orders.placeOrder(env, customerId, o));
export const placeOrderSync = (customerId: string, o?: orders.PlaceOptions) =>
  send(orders.placeOrderSync(env, customerId, o));
export const getOrder = (orderId: string) => send(orders.getOrder(env, orderId));
export const ordersOf = (customerId: string) => send(orders.ordersOf(env, customerId));
export const timeline = (orderId: string) => send(orders.timeline(env, orderId));
