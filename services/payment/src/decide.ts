// The decide-once sequence both flows share: the payment on record wins; without one, the gateway is asked (the
// order id is its idempotency key), and the first decision stored is the one kept. Each flow turns the outcome
// into its own answer: the event path announces or asks for redelivery, the sync path answers now.
import { buildEvent, OrderCreated, PaymentCompleted, PaymentFailed, type EventData } from '@lab/contracts';
import { updateState, type AppDeps, type EventContext } from '@lab/kit';
import type { Config } from './config';
import { decisionFrom, type Decision, type Payment } from './domain/payment';

type Order = EventData<typeof OrderCreated>;

export const paymentKey = (orderId: string) => `payment:${orderId}`;

export type Outcome =
  /** Decided now, or found on record (a redelivery, a replayed request): the same payment either way. */
  | { kind: 'decided' | 'on-record'; payment: Payment }
  /** A payment of another amount is on record for this order: never announce or answer it as this order's. */
  | { kind: 'amount-mismatch'; recorded: Payment }
  /** The gateway's answer is not one to settle for yet (see `settle`): nothing was stored. */
  | { kind: 'not-yet'; decision: Decision };

export function decider(deps: Required<AppDeps<Config>>) {
  const { config, dapr } = deps;

  async function authorize(order: Order, ctx: EventContext): Promise<Decision> {
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

  /** The payment a decision makes, with the fact that announces it (ids derived from the order id). */
  function paymentOf(order: Order, d: Decision, ctx: EventContext): Payment {
    const at = deps.now().toISOString();
    const paymentId = deps.newId();
    const opts = { source: config.service, traceparent: ctx.traceparent, time: new Date(at) };
    const base = { orderId: order.orderId, customerId: order.customerId, amount: order.totalAmount };
    const event = d.approved
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

  /** One payment per order. `settle` says whether a decision may be stored now (the event path waits out trouble). */
  async function decideOnce(order: Order, ctx: EventContext, settle: (d: Decision) => boolean): Promise<Outcome> {
    const key = paymentKey(order.orderId);
    const read = await dapr.state.get<Payment>(key);
    const recorded = read?.value;
    if (recorded) {
      return recorded.amount === order.totalAmount
        ? { kind: 'on-record', payment: recorded }
        : { kind: 'amount-mismatch', recorded };
    }
    const decision = await authorize(order, ctx);
    if (!settle(decision)) return { kind: 'not-yet', decision };
    const candidate = paymentOf(order, decision, ctx);
    // Stored only if still absent: the read above saves a second one (another delivery that stored first in the
    // meantime makes this first write lose, and the retry reads what it stored).
    const stored =
      (await updateState<Payment>(dapr.state, key, cur => (cur ? undefined : candidate), { read: { entry: read } }))
        .value ?? candidate;
    // Another delivery stored first: its payment is the one, and it may be of another amount (a raced request).
    if (stored.amount !== order.totalAmount) return { kind: 'amount-mismatch', recorded: stored };
    return { kind: 'decided', payment: stored };
  }

  return { decideOnce };
}
