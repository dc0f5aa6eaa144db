// createApp(deps): delivery prepares on OrderCreated, dispatches on PaymentCompleted, stops on OrderCancelled.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { buildEvent, DeliveryStarted, OrderCancelled, OrderCreated, PaymentCompleted } from '@lab/contracts';
import {
  mountEvents,
  notFound,
  on,
  requestBody,
  serviceShell,
  updateState,
  validate,
  type AppDeps,
  type EventContext,
} from '@lab/kit';
import type { Config } from './config';
import { applyFact, emptyShipment, type Fact, type Shipment } from './domain/shipment';

export type Deps = AppDeps<Config>;

const key = (orderId: string) => `shipment:${orderId}`;

export function createApp(deps: Deps): Koa {
  const { config, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const shell = serviceShell(deps);

  async function apply(orderId: string, customerId: string, fact: Fact, eventId: string, ctx: EventContext) {
    const { value, changed } = await updateState<Shipment>(dapr.state, key(orderId), cur => {
      const at = now().toISOString();
      const next = applyFact(cur ?? emptyShipment(orderId, customerId, randomUUID(), at), fact, eventId, at);
      if (next?.status === 'DISPATCHED' && !next.startedEvent) {
        next.startedEvent = buildEvent(
          DeliveryStarted,
          { orderId, deliveryId: next.deliveryId, customerId: next.customerId, startedAt: at },
          { source: config.service, id: `delivery-started-${orderId}`, traceparent: ctx.traceparent },
        );
      }
      return next;
    });
    if (changed) ctx.log.info({ orderId, fact, status: value?.status }, 'shipment updated');
    if (value?.startedEvent) await dapr.bus.publish(DeliveryStarted, value.startedEvent);
  }

  /** The synchronous chain's step: prepared and paid in one call, dispatched, announced to nobody. */
  shell.router.post('/sync/deliveries', async ctx => {
    const order = validate(OrderCreated.schema, requestBody(ctx), 'order');
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

  shell.router.get('/deliveries/:orderId', async ctx => {
    const entry = await dapr.state.get<Shipment>(key(ctx.params.orderId ?? ''));
    if (!entry) throw notFound(`delivery for order ${ctx.params.orderId}`);
    const { startedEvent: _e, applied: _a, ...shipment } = entry.value;
    ctx.body = shipment;
  });

  mountEvents(shell.router, deps, [
    on(OrderCreated, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'OrderCreated', e.id, ctx)),
    on(PaymentCompleted, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'PaymentCompleted', e.id, ctx)),
    on(OrderCancelled, (e, ctx) => apply(e.data.orderId, e.data.customerId, 'OrderCancelled', e.id, ctx)),
  ]);

  return shell.finish();
}
