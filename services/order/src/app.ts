// createApp(deps): order's HTTP API and event handlers; never listens, never reads the environment.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { buildEvent, OrderCreated, PaymentCompleted } from '@lab/contracts';
import {
  createHttpShell,
  mountSubscriptions,
  notFound,
  on,
  requestBody,
  StateConflictError,
  validate,
  type DaprPorts,
  type Logger,
} from '@lab/kit';
import type { Config } from './config';
import { applyFact, placeOrder, PlaceOrderRequest, type Order } from './domain/order';

export interface Deps {
  config: Config;
  log: Logger;
  dapr: DaprPorts;
  now?: () => Date;
  newId?: () => string;
}

const orderKey = (id: string) => `order:${id}`;
const MAX_CONFLICT_RETRIES = 5;

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const shell = createHttpShell({ service: config.service, log, ready: () => dapr.sidecar.healthy() });

  shell.router.post('/orders', async ctx => {
    const req = validate(PlaceOrderRequest, requestBody(ctx));
    const orderId = newId();
    const event = buildEvent(
      OrderCreated,
      { orderId, customerId: req.customerId, items: req.items, totalAmount: 0, createdAt: now().toISOString() },
      { source: config.service, traceparent: ctx.get('traceparent') || undefined },
    );
    const order = placeOrder(req, orderId, event.id, new Date(event.time));
    event.data.totalAmount = order.totalAmount;
    await dapr.state.put(orderKey(orderId), order, { onlyIfAbsent: true });
    await dapr.bus.publish(OrderCreated, event);
    log.info({ orderId, eventId: event.id }, 'order placed');
    ctx.status = 202;
    ctx.set('Location', `/orders/${orderId}`);
    ctx.body = { orderId, status: order.status };
  });

  shell.router.get('/orders/:id', async ctx => {
    const entry = await dapr.state.get<Order>(orderKey(ctx.params.id ?? ''));
    if (!entry) throw notFound(`order ${ctx.params.id}`);
    ctx.body = entry.value;
  });

  /** Read-modify-write with the etag, retried on a concurrent update. */
  async function follow(orderId: string, fact: string, eventId: string, elog: Logger): Promise<void> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const entry = await dapr.state.get<Order>(orderKey(orderId));
      if (!entry) throw new Error(`order ${orderId} not found yet`);
      const result = applyFact(entry.value, fact, eventId, now());
      if (result.kind !== 'applied') {
        elog.info(
          { orderId, result: result.kind, why: 'why' in result ? result.why : undefined },
          `${fact} not applied`,
        );
        return;
      }
      try {
        await dapr.state.put(orderKey(orderId), result.order, { etag: entry.etag });
        elog.info({ orderId, status: result.order.status }, `order moved by ${fact}`);
        return;
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw err;
      }
    }
    throw new Error(`order ${orderId}: too many concurrent updates`);
  }

  mountSubscriptions(shell.router, {
    pubsubName: config.pubsubName,
    appApiToken: config.appApiToken,
    log,
    subscriptions: [on(PaymentCompleted, (e, c) => follow(e.data.orderId, PaymentCompleted.name, e.id, c.log))],
  });

  return shell.finish();
}
