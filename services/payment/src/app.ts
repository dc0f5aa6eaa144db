// createApp(deps): on OrderCreated, ask the gateway now (request: sync) and announce the result (result: event).
import { randomUUID } from 'node:crypto';
import {
  announcedAgain,
  OrderCreated,
  orderTotal,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
  type EventData,
} from '@lab/contracts';
import {
  HttpError,
  notFound,
  on,
  PermanentEventError,
  requestBody,
  validate,
  validId,
  type AppDeps,
  type EventContext,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { decider, paymentKey } from './decide';
import { settleNow, type Payment } from './domain/payment';

export type Deps = AppDeps<Config>;

/** What is wrong with an order's total (undefined: it is the sum of its items, the only amount payment charges). */
function totalProblem(order: EventData<typeof OrderCreated>): string | undefined {
  const sum = orderTotal(order.items);
  return sum === order.totalAmount
    ? undefined
    : `totalAmount ${order.totalAmount} is not the sum of the items (${sum})`;
}

export function createApp(deps: Deps): ServiceApp {
  const full: Required<Deps> = { now: () => new Date(), newId: randomUUID, ...deps };
  const { config, log, dapr } = full;
  const { decideOnce } = decider(full);

  /**
   * One payment per order: the gateway call carries the order id as its idempotency key, the first stored
   * decision wins, and a redelivery re-announces that decision with the same event id.
   */
  async function onOrderCreated(e: CloudEvent<EventData<typeof OrderCreated>>, ctx: EventContext): Promise<void> {
    const total = totalProblem(e.data);
    if (total) throw new PermanentEventError(total);
    // A decline caused by our own infrastructure would be a wrong answer: wait it out (redelivery) until the deadline.
    const outcome = await decideOnce(e.data, ctx, d =>
      settleNow(d, e.data.createdAt, full.now(), config.decisionDeadlineMs),
    );
    switch (outcome.kind) {
      case 'amount-mismatch':
        // Never announce a payment of another amount as this order's (a forged or raced request made it).
        throw new PermanentEventError(
          `the payment on record for ${e.data.orderId} is of ${outcome.recorded.amount}, the order's total is ${e.data.totalAmount}`,
        );
      case 'not-yet':
        throw new Error(`${outcome.decision.approved ? '' : outcome.decision.reason}; asking for redelivery`);
      case 'on-record':
        ctx.log.info(
          { orderId: outcome.payment.orderId, status: outcome.payment.status },
          'payment already decided; announcing it again',
        );
        break;
      case 'decided': {
        const { orderId, status, reason } = outcome.payment;
        ctx.log.info({ orderId, status, reason }, 'payment decided');
      }
    }
    const { payment } = outcome;
    // Decided now or lately: for everyone (an earlier publish may have failed). Long on record: only where the
    // copy that asked for it was addressed.
    const announcement = announcedAgain(payment.event, ctx.audience, full.now());
    await dapr.bus.publish(payment.status === 'COMPLETED' ? PaymentCompleted : PaymentFailed, announcement);
  }

  /** The synchronous chain's step (see order's sync flow): the same decision, answered now, announced to nobody. */
  const routes = (router: ServiceRouter) => {
    router.post('/sync/payments', async ctx => {
      const order = validate(OrderCreated.schema, requestBody(ctx), 'order');
      const problem = totalProblem(order);
      if (problem) throw new HttpError(422, 'amount_mismatch', problem, [{ field: 'totalAmount', message: problem }]);
      const ectx = { log, traceparent: ctx.get('traceparent') || undefined };
      // The chain answers now: whatever the gateway said (or failed to say) is the decision.
      const outcome = await decideOnce(order, ectx, () => true);
      if (outcome.kind === 'amount-mismatch') {
        throw new HttpError(409, 'amount_mismatch', `order ${order.orderId} was already charged another amount`, [
          { field: 'totalAmount', message: `a payment of ${outcome.recorded.amount} is on record` },
        ]);
      }
      if (outcome.kind === 'not-yet') throw new Error('unreachable: the sync chain settles every decision');
      const { event: _e, ...answer } = outcome.payment;
      ctx.body = answer;
    });

    router.get('/payments/:orderId', async ctx => {
      const entry = await dapr.state.get<Payment>(paymentKey(validId(ctx.params.orderId, 'orderId')));
      if (!entry) throw notFound(`payment for order ${ctx.params.orderId}`);
      const { event: _event, ...payment } = entry.value;
      ctx.body = payment;
    });
  };

  return defineService(deps, { routes, subscriptions: [on(OrderCreated, onOrderCreated)] });
}
