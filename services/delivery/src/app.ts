// createApp(deps): delivery prepares on OrderCreated, dispatches on PaymentCompleted, stops on OrderCancelled.
import { randomUUID } from 'node:crypto';
import {
  announcedAgain,
  buildEvent,
  DeliveryStarted,
  OrderCancelled,
  OrderCreated,
  PaymentCompleted,
} from '@lab/contracts';
import {
  HttpError,
  notFound,
  on,
  requestBody,
  updateState,
  validate,
  validId,
  type AppDeps,
  type EventContext,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { applyFact, emptyShipment, type Fact, type Shipment } from './domain/shipment';

export type Deps = AppDeps<Config>;

const key = (orderId: string) => `shipment:${orderId}`;

export function createApp(deps: Deps): ServiceApp {
  const { config, dapr } = deps;
  const now = deps.now ?? (() => new Date());

  async function apply(orderId: string, customerId: string, fact: Fact, eventId: string, ctx: EventContext) {
    const { value, changed } = await updateState<Shipment>(dapr.state, key(orderId), cur => {
      const at = now().toISOString();
      const next = applyFact(cur ?? emptyShipment(orderId, customerId, randomUUID(), at), fact, eventId, at);
      if (next?.status === 'DISPATCHED' && !next.startedEvent) {
        next.startedEvent = buildEvent(
          DeliveryStarted,
          { orderId, deliveryId: next.deliveryId, customerId: next.customerId, startedAt: at },
          {
            source: config.service,
            id: `delivery-started-${orderId}`,
            traceparent: ctx.traceparent,
            time: new Date(at),
          },
        );
      }
      return next;
    });
    if (changed) ctx.log.info({ orderId, fact, status: value?.status }, 'shipment updated');
    // Dispatched now or lately: for everyone (an earlier publish may have failed). Long ago: only where the copy
    // that asked for it was addressed.
    if (value?.startedEvent)
      await dapr.bus.publish(DeliveryStarted, announcedAgain(value.startedEvent, ctx.audience, now()));
  }

  /**
   * The synchronous chain's step: prepared and paid in one call, dispatched, announced to nobody. Only an order
   * payment holds a completed payment for, of the order's total, is dispatched: the caller's word is not enough.
   */
  const routes = (router: ServiceRouter) => {
    router.post('/sync/deliveries', async ctx => {
      const order = validate(OrderCreated.schema, requestBody(ctx), 'order');
      const paid = await dapr.invoker.invoke<{ status?: string; amount?: number }>(
        config.paymentAppId,
        `payments/${encodeURIComponent(order.orderId)}`,
        { method: 'GET', headers: ctx.get('traceparent') ? { traceparent: ctx.get('traceparent') } : {} },
      );
      if (paid.status !== 200 || paid.body.status !== 'COMPLETED' || paid.body.amount !== order.totalAmount) {
        throw new HttpError(409, 'not_paid', `order ${order.orderId} has no completed payment of its total`, [
          { field: 'orderId', message: `payment answered ${paid.status} ${paid.body?.status ?? ''}`.trim() },
        ]);
      }
      const { value } = await updateState<Shipment>(dapr.state, key(order.orderId), cur => {
        const at = now().toISOString();
        let s: Shipment | undefined = cur ?? emptyShipment(order.orderId, order.customerId, randomUUID(), at);
        s = applyFact(s, 'OrderCreated', `sync-created-${order.orderId}`, at) ?? s;
        s = applyFact(s, 'PaymentCompleted', `sync-paid-${order.orderId}`, at) ?? s;
        return s === cur ? undefined : s;
      });
      const { startedEvent: _e, applied: _a, ...shipment } = value!;
      ctx.body = shipment;
    });

    router.get('/deliveries/:orderId', async ctx => {
      const entry = await dapr.state.get<Shipment>(key(validId(ctx.params.orderId, 'orderId')));
      if (!entry) throw notFound(`delivery for order ${ctx.params.orderId}`);
      const { startedEvent: _e, applied: _a, ...shipment } = entry.value;
      ctx.body = shipment;
    });
  };

  return defineService(deps, {
    routes,
    subscriptions: [
      on(OrderCreated, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'OrderCreated', e.id, ctx)),
      on(PaymentCompleted, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'PaymentCompleted', e.id, ctx)),
      on(OrderCancelled, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'OrderCancelled', e.id, ctx)),
    ],
  });
}
