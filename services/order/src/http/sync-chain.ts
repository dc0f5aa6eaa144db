// The same business flow as a synchronous call chain (the lecture's anti-pattern, kept for comparison):
// order calls payment, then delivery, then notification through Dapr service invocation, and answers only when
// the whole chain has answered. One slow or dead link is the caller's problem: that is the cascade.
import type { Context } from 'koa';
import { HttpError, requestBody, traceparentFrom, updateState, validate } from '@lab/kit';
import type { Deps } from '../deps';
import { applyAll, placeOrder, PlaceOrderRequest, type FactRecord, type Order } from '../domain/order';
import { factIds } from '../events/facts';
import { claimIdempotencyKey, hashOf, idempotencyKeyOf, placementFor, type Claim } from './place-order';
import { recordPlaced, type PlacedIndex } from '../placed';
import { keys } from '../store';

/**
 * `?flow=sync` or `X-Flow: sync` picks the chain; any other value of either (`Sync`, an empty one, a repeated
 * one) is 400 naming it, as the API declares only `sync`: a typo never falls back silently to the event flow.
 */
export function isSyncFlow(ctx: Context): boolean {
  const given: [string, unknown][] = [
    ['flow', ctx.query.flow],
    ['X-Flow', ctx.headers['x-flow']],
  ];
  const bad = given.filter(([, v]) => v !== undefined && v !== 'sync');
  if (bad.length > 0) {
    throw new HttpError(
      400,
      'validation_failed',
      `${bad.map(([name]) => name).join(' and ')} can only be sync`,
      bad.map(([field]) => ({ field, message: 'only "sync" (or leave it out for the event flow)' })),
    );
  }
  return given.some(([, v]) => v === 'sync');
}

export function syncChainHandler(deps: Required<Deps>, placed: PlacedIndex) {
  const { dapr } = deps;

  async function call(step: string, appId: string, path: string, body: unknown, traceparent: string) {
    const res = await dapr.invoker
      .invoke<{ status?: string; reason?: string }>(appId, path, { body, headers: { traceparent }, timeoutMs: 10_000 })
      .catch((err: Error) => {
        throw new HttpError(504, 'downstream_unreachable', `${step}: ${appId} did not answer (${err.message})`);
      });
    if (res.status >= 300) {
      throw new HttpError(
        502,
        'downstream_failed',
        `${step}: ${appId} answered ${res.status}; the whole request fails`,
      );
    }
    return res.body;
  }

  return async (ctx: Context) => {
    const req = validate(PlaceOrderRequest, requestBody(ctx));
    const fresh: Claim = {
      requestHash: hashOf(req),
      orderId: deps.newId(),
      createdAt: deps.now().toISOString(),
      traceparent: traceparentFrom(ctx.get('traceparent')),
    };
    // The same Idempotency-Key as the event flow: a replay of a finished chain answers its order and calls nobody;
    // a replay of a chain that stopped half way runs it again for the same order id (each step is keyed by it).
    const idemKey = idempotencyKeyOf(ctx);
    const claim = idemKey ? await claimIdempotencyKey(deps, idemKey, fresh) : fresh;
    const { orderId, traceparent } = claim;
    if (orderId !== fresh.orderId) {
      const done = (await dapr.state.get<Order>(keys.order(orderId)))?.value;
      if (done && 'status' in done) {
        ctx.status = 201;
        ctx.set('Location', `/orders/${orderId}`);
        ctx.set('Idempotent-Replayed', 'true');
        ctx.body = { orderId, status: done.status, flow: 'sync' };
        return;
      }
    }
    const order = placementFor(req, claim);

    // Each answer is a fact, recorded through the same transitions as the event flow's (ids prefixed `sync-`).
    const facts: FactRecord[] = [];
    const at = () => deps.now().toISOString();
    const payment = await call('payment', 'payment', 'sync/payments', order, traceparent);
    if (payment.status !== 'COMPLETED') {
      const reason = payment.reason ?? 'declined';
      facts.push({ fact: 'PaymentFailed', eventId: factIds.sync('payment', orderId), at: at(), reason });
    } else {
      facts.push({ fact: 'PaymentCompleted', eventId: factIds.sync('payment', orderId), at: at() });
      const shipment = await call('delivery', 'delivery', 'sync/deliveries', order, traceparent);
      await call(
        'notification',
        'notification',
        'sync/notifications',
        { ...order, deliveryId: (shipment as { deliveryId?: string }).deliveryId },
        traceparent,
      );
      facts.push({ fact: 'DeliveryStarted', eventId: factIds.sync('delivery', orderId), at: at() });
    }
    const placedOrder = placeOrder(req, orderId, factIds.sync('order-created', orderId), claim.createdAt, traceparent);
    const record = applyAll(placedOrder, facts);
    await updateState<Order>(dapr.state, keys.order(orderId), cur => (cur ? undefined : record));
    await recordPlaced(dapr.state, placed, order);
    ctx.status = 201;
    ctx.set('Location', `/orders/${orderId}`);
    ctx.body = { orderId, status: record.status, flow: 'sync' };
  };
}
