// POST /orders, event first: the only write is OrderCreated on the bus, so there is no dual write to get wrong.
// order stores the order when it receives its own event (see follow.ts), like every other consumer.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { buildEvent, OrderCreated } from '@lab/contracts';
import { conflict, requestBody, traceparentFrom, updateState, validate, validId } from '@lab/kit';
import type { Deps } from './app';
import { isPlaced, PlaceOrderRequest, totalOf, type StoredOrder } from './domain/order';
import { keys } from './store';

/** What an Idempotency-Key remembers: the request it was first used with, and the order (and event) it made. */
interface Claim {
  requestHash: string;
  orderId: string;
  createdAt: string;
  traceparent: string;
}

const hashOf = (req: PlaceOrderRequest) => createHash('sha256').update(JSON.stringify(req)).digest('hex');
export const orderCreatedId = (orderId: string) => `order-created-${orderId}`;

export function placeOrderHandler(deps: Required<Deps>) {
  const { config, dapr, log } = deps;

  /** Same key + same body: the same order (and the same event id). Same key + another body: 409. */
  async function claim(key: string, fresh: Claim): Promise<Claim> {
    const { value } = await updateState<Claim>(dapr.state, keys.idempotency(key), cur => (cur ? undefined : fresh));
    if (!value) throw new Error('idempotency claim vanished');
    if (value.requestHash !== fresh.requestHash) {
      throw conflict('Idempotency-Key was already used with a different request');
    }
    return value;
  }

  return async (ctx: Context) => {
    const req = validate(PlaceOrderRequest, requestBody(ctx));
    const fresh: Claim = {
      requestHash: hashOf(req),
      orderId: deps.newId(),
      createdAt: deps.now().toISOString(),
      traceparent: traceparentFrom(ctx.get('traceparent')),
    };
    // The key becomes part of a state key: the contracts' id schema (1-128 of A-Z a-z 0-9 . _ : -), else 400.
    const idemKey = ctx.get('idempotency-key') ? validId(ctx.get('idempotency-key'), 'Idempotency-Key') : '';
    const c = idemKey ? await claim(idemKey, fresh) : fresh;
    const replay = c !== fresh && c.orderId !== fresh.orderId;

    // A replay publishes the same event again (same id): harmless to consumers, and it completes a first
    // attempt that stopped before its publish was acknowledged.
    const event = buildEvent(
      OrderCreated,
      {
        orderId: c.orderId,
        customerId: req.customerId,
        items: req.items,
        totalAmount: totalOf(req.items),
        createdAt: c.createdAt,
      },
      { source: config.service, id: orderCreatedId(c.orderId), traceparent: c.traceparent },
    );
    await dapr.bus.publish(OrderCreated, event);
    if (!replay) log.info({ orderId: c.orderId, eventId: event.id }, 'order placed');

    const found = replay ? (await dapr.state.get<StoredOrder>(keys.order(c.orderId)))?.value : undefined;
    const stored = isPlaced(found) ? found : undefined;
    ctx.status = 202;
    ctx.set('Location', `/orders/${c.orderId}`);
    ctx.set('traceparent', c.traceparent);
    if (replay) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = { orderId: c.orderId, status: stored?.status ?? 'PENDING' };
  };
}
