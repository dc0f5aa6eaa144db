// createApp(deps): on OrderCreated, ask the gateway now (request: sync) and announce the result (result: event).
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import {
  buildEvent,
  OrderCreated,
  orderTotal,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
  type EventData,
} from '@lab/contracts';
import {
  HttpError,
  mountEvents,
  notFound,
  on,
  PermanentEventError,
  requestBody,
  serviceShell,
  updateState,
  validate,
  validId,
  type AppDeps,
  type EventContext,
} from '@lab/kit';
import type { Config } from './config';
import { decisionFrom, settleNow, type Decision, type Payment } from './domain/payment';

export type Deps = AppDeps<Config>;

const paymentKey = (orderId: string) => `payment:${orderId}`;

/** What is wrong with an order's total (undefined: it is the sum of its items, the only amount payment charges). */
function totalProblem(order: EventData<typeof OrderCreated>): string | undefined {
  const sum = orderTotal(order.items);
  return sum === order.totalAmount
    ? undefined
    : `totalAmount ${order.totalAmount} is not the sum of the items (${sum})`;
}

export function createApp(deps: Deps): Koa {
  const { config, log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const shell = serviceShell(deps);

  async function authorize(order: EventData<typeof OrderCreated>, ctx: EventContext): Promise<Decision> {
    try {
      const res = await dapr.invoker.invoke(config.gatewayAppId, 'authorizations', {
        body: { orderId: order.orderId, customerId: order.customerId, amount: order.totalAmount },
        headers: ctx.traceparent ? { traceparent: ctx.traceparent } : {},
      });
      return decisionFrom(res.status, res.body, order.totalAmount);
    } catch (err) {
      ctx.log.warn({ err }, 'payment gateway call failed');
      return decisionFrom(undefined, undefined);
    }
  }

  function record(order: EventData<typeof OrderCreated>, d: Decision, ctx: EventContext): Payment {
    const at = now().toISOString();
    const paymentId = newId();
    const opts = { source: config.service, traceparent: ctx.traceparent };
    const base = { orderId: order.orderId, customerId: order.customerId, amount: order.totalAmount };
    const event: CloudEvent = d.approved
      ? buildEvent(
          PaymentCompleted,
          { ...base, paymentId, completedAt: at },
          { ...opts, id: `payment-completed-${order.orderId}` },
        )
      : buildEvent(
          PaymentFailed,
          { ...base, reason: d.reason, failedAt: at },
          { ...opts, id: `payment-failed-${order.orderId}` },
        );
    return {
      ...base,
      paymentId,
      status: d.approved ? 'COMPLETED' : 'FAILED',
      ...(d.approved ? { authorizationId: d.authorizationId } : { reason: d.reason }),
      decidedAt: at,
      event,
    };
  }

  /**
   * One payment per order: the gateway call carries the order id as its idempotency key, the first stored
   * decision wins, and a redelivery re-announces that decision with the same event id.
   */
  async function onOrderCreated(e: CloudEvent<EventData<typeof OrderCreated>>, ctx: EventContext): Promise<void> {
    const total = totalProblem(e.data);
    if (total) throw new PermanentEventError(total);
    const key = paymentKey(e.data.orderId);
    let payment = (await dapr.state.get<Payment>(key))?.value;
    if (payment && payment.amount !== e.data.totalAmount) {
      // Never announce a payment of another amount as this order's (a forged or raced request made it).
      throw new PermanentEventError(
        `the payment on record for ${e.data.orderId} is of ${payment.amount}, the order's total is ${e.data.totalAmount}`,
      );
    }
    if (!payment) {
      const decision = await authorize(e.data, ctx);
      if (!settleNow(decision, e.data.createdAt, now(), config.decisionDeadlineMs)) {
        // A payment declined because of our own infrastructure would be a wrong answer; ask again later.
        throw new Error(`${decision.approved ? '' : decision.reason}; asking for redelivery`);
      }
      const candidate = record(e.data, decision, ctx);
      payment = (await updateState<Payment>(dapr.state, key, cur => (cur ? undefined : candidate))).value ?? candidate;
      ctx.log.info({ orderId: payment.orderId, status: payment.status, reason: payment.reason }, 'payment decided');
    } else {
      ctx.log.info(
        { orderId: payment.orderId, status: payment.status },
        'payment already decided; announcing it again',
      );
    }
    await dapr.bus.publish(payment.status === 'COMPLETED' ? PaymentCompleted : PaymentFailed, payment.event);
  }

  /** The synchronous chain's step (see order's sync flow): the same decision, answered now, announced to nobody. */
  shell.router.post('/sync/payments', async ctx => {
    const order = validate(OrderCreated.schema, requestBody(ctx), 'order');
    const problem = totalProblem(order);
    if (problem) throw new HttpError(422, 'amount_mismatch', problem, [{ field: 'totalAmount', message: problem }]);
    const ectx = { log, traceparent: ctx.get('traceparent') || undefined };
    const key = paymentKey(order.orderId);
    let payment = (await dapr.state.get<Payment>(key))?.value;
    if (payment && payment.amount !== order.totalAmount) {
      throw new HttpError(409, 'amount_mismatch', `order ${order.orderId} was already charged another amount`, [
        { field: 'totalAmount', message: `a payment of ${payment.amount} is on record` },
      ]);
    }
    if (!payment) {
      const candidate = record(order, await authorize(order, ectx), ectx);
      payment = (await updateState<Payment>(dapr.state, key, cur => (cur ? undefined : candidate))).value ?? candidate;
    }
    const { event: _e, ...answer } = payment;
    ctx.body = answer;
  });

  shell.router.get('/payments/:orderId', async ctx => {
    const entry = await dapr.state.get<Payment>(paymentKey(validId(ctx.params.orderId, 'orderId')));
    if (!entry) throw notFound(`payment for order ${ctx.params.orderId}`);
    const { event: _event, ...payment } = entry.value;
    ctx.body = payment;
  });

  mountEvents(shell.router, deps, [on(OrderCreated, onOrderCreated)]);

  return shell.finish();
}
