// The same business flow as a synchronous call chain (the lecture's anti-pattern, kept for comparison):
// order calls payment, then delivery, then notification through Dapr service invocation, and answers only when
// the whole chain has answered. One slow or dead link is the caller's problem: that is the cascade.
import type { Context } from 'koa';
import { HttpError, requestBody, traceparentFrom, updateState, validate } from '@lab/kit';
import type { Deps } from './deps';
import { placeOrder, PlaceOrderRequest, totalOf, type Order } from './domain/order';
import { claimIdempotencyKey, hashOf, idempotencyKeyOf, type Claim } from './place-order';
import type { PlacedIndex } from './placed';
import { keys } from './store';

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
    const { orderId, createdAt, traceparent } = idemKey ? await claimIdempotencyKey(deps, idemKey, fresh) : fresh;
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
    const order = { orderId, customerId: req.customerId, items: req.items, totalAmount: totalOf(req.items), createdAt };

    const payment = await call('payment', 'payment', 'sync/payments', order, traceparent);
    let record: Order = placeOrder(req, orderId, `sync-order-created-${orderId}`, createdAt, traceparent);
    const at = () => deps.now().toISOString();
    if (payment.status !== 'COMPLETED') {
      record = {
        ...record,
        status: 'CANCELLED',
        history: [
          ...record.history,
          {
            event: 'PaymentFailed',
            eventId: `sync-payment-${orderId}`,
            status: 'CANCELLED',
            at: at(),
            reason: payment.reason ?? 'declined',
          },
        ],
      };
    } else {
      const shipment = await call('delivery', 'delivery', 'sync/deliveries', order, traceparent);
      await call(
        'notification',
        'notification',
        'sync/notifications',
        { ...order, deliveryId: (shipment as { deliveryId?: string }).deliveryId },
        traceparent,
      );
      record = {
        ...record,
        status: 'SHIPPED',
        history: [
          ...record.history,
          { event: 'PaymentCompleted', eventId: `sync-payment-${orderId}`, status: 'PAID', at: at() },
          { event: 'DeliveryStarted', eventId: `sync-delivery-${orderId}`, status: 'SHIPPED', at: at() },
        ],
      };
    }
    await updateState<Order>(dapr.state, keys.order(orderId), cur => (cur ? undefined : record));
    await updateState<string[]>(dapr.state, keys.byCustomer(req.customerId), cur =>
      cur?.includes(orderId) ? undefined : [...(cur ?? []), orderId],
    );
    await placed.add(orderId, createdAt);
    ctx.status = 201;
    ctx.set('Location', `/orders/${orderId}`);
    ctx.body = { orderId, status: record.status, flow: 'sync' };
  };
}
