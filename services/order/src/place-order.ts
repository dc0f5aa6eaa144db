// POST /orders: validate, store, announce OrderCreated, answer 202 without waiting for anyone.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { buildEvent, OrderCreated } from '@lab/contracts';
import {
  capped,
  conflict,
  HttpError,
  requestBody,
  StateConflictError,
  traceparentFrom,
  updateState,
  validate,
} from '@lab/kit';
import type { Deps } from './app';
import { placeOrder, PlaceOrderRequest, totalOf, type Order } from './domain/order';
import { keys, MAX_ORDERS_PER_CUSTOMER } from './store';

interface IdempotencyRecord {
  requestHash: string;
  orderId: string;
}

const hashOf = (req: PlaceOrderRequest) => createHash('sha256').update(JSON.stringify(req)).digest('hex');

export function placeOrderHandler(deps: Required<Deps>) {
  const { config, dapr, log } = deps;

  /** Same key + same body: the same order. Same key + another body: 409. */
  async function claimKey(key: string, req: PlaceOrderRequest): Promise<string> {
    if (key.length > 200)
      throw new HttpError(400, 'validation_failed', 'Idempotency-Key is longer than 200 characters');
    const requestHash = hashOf(req);
    const { value } = await updateState<IdempotencyRecord>(dapr.state, keys.idempotency(key), cur =>
      cur ? undefined : { requestHash, orderId: deps.newId() },
    );
    if (!value) throw new Error('idempotency record vanished');
    if (value.requestHash !== requestHash) throw conflict('Idempotency-Key was already used with a different request');
    return value.orderId;
  }

  return async (ctx: Context) => {
    const req = validate(PlaceOrderRequest, requestBody(ctx));
    const idemKey = ctx.get('idempotency-key');
    const orderId = idemKey ? await claimKey(idemKey, req) : deps.newId();
    const traceparent = traceparentFrom(ctx.get('traceparent'));

    let order = (await dapr.state.get<Order>(keys.order(orderId)))?.value;
    const replay = order !== undefined;
    if (!order) {
      const createdAt = deps.now().toISOString();
      const event = buildEvent(
        OrderCreated,
        { orderId, customerId: req.customerId, items: req.items, totalAmount: totalOf(req.items), createdAt },
        { source: config.service, id: `order-created-${orderId}`, traceparent },
      );
      order = placeOrder(req, orderId, event.id, createdAt, traceparent);
      try {
        await dapr.state.put(keys.order(orderId), order, { onlyIfAbsent: true });
      } catch (err) {
        // A concurrent retry with the same Idempotency-Key stored it first: answer with that order.
        if (!(err instanceof StateConflictError)) throw err;
        order = (await dapr.state.get<Order>(keys.order(orderId)))?.value ?? order;
      }
      await dapr.bus.publish(OrderCreated, event);
      await updateState<string[]>(dapr.state, keys.byCustomer(req.customerId), cur =>
        cur?.includes(orderId) ? undefined : capped([...(cur ?? []), orderId], MAX_ORDERS_PER_CUSTOMER),
      );
      log.info({ orderId, eventId: event.id }, 'order placed');
    } else {
      // The first attempt may have stopped between storing and publishing: publish again (same event id).
      const event = buildEvent(
        OrderCreated,
        {
          orderId,
          customerId: order.customerId,
          items: order.items,
          totalAmount: order.totalAmount,
          createdAt: order.createdAt,
        },
        { source: config.service, id: `order-created-${orderId}`, traceparent: order.traceparent },
      );
      await dapr.bus.publish(OrderCreated, event);
    }

    ctx.status = 202;
    ctx.set('Location', `/orders/${orderId}`);
    ctx.set('traceparent', order.traceparent);
    if (replay) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = { orderId, status: order.status };
  };
}
