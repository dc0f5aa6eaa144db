// createApp(deps): payment reacts to OrderCreated by charging once and announcing the result.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import {
  buildEvent,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
  type EventData,
} from '@lab/contracts';
import {
  createHttpShell,
  mountSubscriptions,
  notFound,
  on,
  StateConflictError,
  type DaprPorts,
  type EventContext,
  type Logger,
} from '@lab/kit';
import type { Config } from './config';
import { decide, type Payment } from './domain/payment';

export interface Deps {
  config: Config;
  log: Logger;
  dapr: DaprPorts;
  now?: () => Date;
  newId?: () => string;
}

const paymentKey = (orderId: string) => `payment:${orderId}`;

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const shell = createHttpShell({ service: config.service, log, ready: () => dapr.sidecar.healthy() });

  function announce(order: EventData<typeof OrderCreated>, ctx: EventContext): Payment {
    const at = now();
    const paymentId = newId();
    const decision = decide(order.totalAmount);
    const opts = { source: config.service, time: at, traceparent: ctx.traceparent };
    const event: CloudEvent = decision.approved
      ? buildEvent(
          PaymentCompleted,
          {
            orderId: order.orderId,
            paymentId,
            customerId: order.customerId,
            amount: order.totalAmount,
            completedAt: at.toISOString(),
          },
          opts,
        )
      : buildEvent(
          PaymentFailed,
          {
            orderId: order.orderId,
            customerId: order.customerId,
            amount: order.totalAmount,
            reason: decision.reason,
            failedAt: at.toISOString(),
          },
          opts,
        );
    return {
      orderId: order.orderId,
      paymentId,
      amount: order.totalAmount,
      status: decision.approved ? 'COMPLETED' : 'FAILED',
      ...(decision.approved ? {} : { reason: decision.reason }),
      decidedAt: at.toISOString(),
      event,
    };
  }

  async function publish(p: Payment): Promise<void> {
    await dapr.bus.publish(p.status === 'COMPLETED' ? PaymentCompleted : PaymentFailed, p.event);
  }

  /** One payment per order: first write wins; a redelivery re-announces the stored decision (same event id). */
  async function onOrderCreated(e: CloudEvent<EventData<typeof OrderCreated>>, ctx: EventContext): Promise<void> {
    const key = paymentKey(e.data.orderId);
    const existing = await dapr.state.get<Payment>(key);
    if (existing) {
      ctx.log.info({ orderId: e.data.orderId }, 'payment already decided; re-announcing');
      await publish(existing.value);
      return;
    }
    const payment = announce(e.data, ctx);
    try {
      await dapr.state.put(key, payment, { onlyIfAbsent: true });
    } catch (err) {
      if (!(err instanceof StateConflictError)) throw err;
      const winner = await dapr.state.get<Payment>(key);
      if (!winner) throw err;
      await publish(winner.value);
      return;
    }
    await publish(payment);
    ctx.log.info({ orderId: payment.orderId, status: payment.status }, 'payment decided');
  }

  shell.router.get('/payments/:orderId', async ctx => {
    const entry = await dapr.state.get<Payment>(paymentKey(ctx.params.orderId ?? ''));
    if (!entry) throw notFound(`payment for order ${ctx.params.orderId}`);
    const { event: _event, ...payment } = entry.value;
    ctx.body = payment;
  });

  mountSubscriptions(shell.router, {
    pubsubName: config.pubsubName,
    appApiToken: config.appApiToken,
    log,
    subscriptions: [on(OrderCreated, onOrderCreated)],
  });

  return shell.finish();
}
