// POST /orders, event first: the one write that must succeed is OrderCreated on the bus, so there is no dual write
// to get wrong (the open-orders entry written after it is best effort).
// order stores the order when it receives its own event (see follow.ts), like every other consumer.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { OrderCreated } from '@lab/contracts';
import { clientGone, conflict, requestBody, traceparentFrom, updateState, validate, validId } from '@lab/kit';
import type { Deps } from '../deps';
import { isPlaced, PlaceOrderRequest, totalOf, type StoredOrder } from '../domain/order';
import { orderCreated, type Placement } from '../events/facts';
import type { OpenOrdersWatch } from '../tasks/open-orders-watch';
import { keys } from '../store';

/** What an Idempotency-Key remembers: the request it was first used with, and the order (and event) it made. */
export interface Claim {
  requestHash: string;
  orderId: string;
  createdAt: string;
  traceparent: string;
}

export const hashOf = (req: PlaceOrderRequest) => createHash('sha256').update(JSON.stringify(req)).digest('hex');

/** The order a claimed request places (both flows): the request's lines, the claim's id and time. */
export const placementFor = (req: PlaceOrderRequest, c: Claim): Placement => ({
  orderId: c.orderId,
  customerId: req.customerId,
  items: req.items,
  totalAmount: totalOf(req.items),
  createdAt: c.createdAt,
});

/** Same key + same body: the same order (and the same event id). Same key + another body: 409. Both flows. */
export async function claimIdempotencyKey(deps: Required<Deps>, key: string, fresh: Claim): Promise<Claim> {
  const { value } = await updateState<Claim>(deps.dapr.state, keys.idempotency(key), cur => (cur ? undefined : fresh));
  if (!value) throw new Error('idempotency claim vanished');
  if (value.requestHash !== fresh.requestHash) {
    throw conflict('Idempotency-Key was already used with a different request');
  }
  return value;
}

/**
 * The request's Idempotency-Key, validated (it becomes part of a state key), or '' when there is none. A header sent
 * empty is a key that breaks the id schema (400), not a request without one.
 */
export const idempotencyKeyOf = (ctx: Context) =>
  ctx.headers['idempotency-key'] === undefined ? '' : validId(ctx.get('idempotency-key'), 'Idempotency-Key');

export function placeOrderHandler(deps: Required<Deps>, watch: OpenOrdersWatch) {
  const { config, dapr, log } = deps;
  const claim = (key: string, fresh: Claim) => claimIdempotencyKey(deps, key, fresh);

  return async (ctx: Context) => {
    const req = validate(PlaceOrderRequest, requestBody(ctx));
    const fresh: Claim = {
      requestHash: hashOf(req),
      orderId: deps.newId(),
      createdAt: deps.now().toISOString(),
      traceparent: traceparentFrom(ctx.get('traceparent')),
    };
    // The key becomes part of a state key: the contracts' id schema (1-128 of A-Z a-z 0-9 . _ : -), else 400.
    const idemKey = idempotencyKeyOf(ctx);
    const c = idemKey ? await claim(idemKey, fresh) : fresh;
    const replay = c !== fresh && c.orderId !== fresh.orderId;

    // A replay of an order that order has recorded returns it as it is: its OrderCreated was acknowledged (order
    // consumed it), and the open-orders watch owns anything still open. Only a replay of an attempt that stopped
    // before the bus acknowledged it publishes the same event again (same id), which completes that attempt.
    const found = replay ? (await dapr.state.get<StoredOrder>(keys.order(c.orderId)))?.value : undefined;
    const stored = isPlaced(found) ? found : undefined;
    const event = orderCreated(placementFor(req, c), config.service, c.traceparent);
    if (!stored) {
      // A client that went away meanwhile abandons the publish rather than leave an order it never heard of.
      await dapr.bus.publish(OrderCreated, event, { signal: clientGone(ctx) });
      // Owed from now on: the watch tracks it even if order's own delivery of the event is lost. Best effort: the
      // order is placed either way, and order's own consumer tracks it too when the event arrives.
      await watch
        .trackPublished(event)
        .catch((err: unknown) => log.warn({ err, orderId: c.orderId }, 'could not track the order yet'));
      if (!replay) log.info({ orderId: c.orderId, eventId: event.id }, 'order placed');
    }
    ctx.status = 202;
    ctx.set('Location', `/orders/${c.orderId}`);
    ctx.set('traceparent', c.traceparent);
    if (replay) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = { orderId: c.orderId, status: stored?.status ?? 'PENDING' };
  };
}
