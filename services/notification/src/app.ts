// createApp(deps): one message per (fact, recipient), kept in the recipient's inbox.
import { z } from 'zod';
import {
  DeliveryStarted,
  Id,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  UserRegistered,
  type EventContract,
  type EventData,
} from '@lab/contracts';
import {
  capped,
  keyUpdate,
  onState,
  requestBody,
  updateState,
  validate,
  validId,
  type AppDeps,
  type EventContext,
  type Subscription,
  defineService,
  type ServiceApp,
  type ServiceRouter,
} from '@lab/kit';
import type { Config } from './config';
import { messages, type Message, type Notification } from './domain/messages';

export type Deps = AppDeps<Config>;

/** Messages kept per recipient; the inbox also holds the ids that make sending idempotent. */
export const INBOX_SIZE = 500;
const Recipient = z.email().max(254);
const inbox = (recipient: string) => `inbox:${recipient}`;
/**
 * Conflicts the synchronous step outlasts on a hot inbox. A delivery that loses updateState's default 25 in a row is
 * redelivered by daprd; the step's caller (order's chain) has nothing behind it and answered 502 for a customer whose
 * facts were being delivered by the dozen (found by schemathesis). Bounded by order's 10 s deadline for the call.
 */
const SYNC_ATTEMPTS = 200;
/** A message for an inbox, with the fact and event id it tells of. */
interface Outgoing {
  eventId: string;
  event: string;
  m: Message;
}

export function createApp(deps: Deps): ServiceApp {
  const { log, dapr } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Adds to one recipient's inbox each message it does not hold yet (one per event id), all in one write: the inbox
   * is one key, hot for a busy recipient, which every delivery of its facts contends for.
   */
  async function send(recipient: string, out: Outgoing[], ctx: EventContext, attempts?: number): Promise<void> {
    let fresh: Outgoing[] = [];
    const { changed } = await updateState<Notification[]>(
      dapr.state,
      inbox(recipient),
      cur => {
        fresh = out.filter(o => !cur?.some(n => n.eventId === o.eventId));
        return added(cur, fresh);
      },
      { maxAttempts: attempts },
    );
    if (changed) for (const o of fresh) ctx.log.info({ recipient, event: o.event }, 'notification sent');
  }

  /** The inbox with each message it does not hold yet (one per event id); undefined when it holds them all. */
  function added(cur: Notification[] | undefined, out: Outgoing[]): Notification[] | undefined {
    const fresh = out.filter(o => !cur?.some(n => n.eventId === o.eventId));
    if (fresh.length === 0) return undefined;
    const sentAt = now().toISOString();
    return capped(
      [...(cur ?? []), ...fresh.map(o => ({ ...o.m, eventId: o.eventId, event: o.event, sentAt }))],
      INBOX_SIZE,
    );
  }

  /** A fact's message: one update of its recipient's inbox, so a batch's messages for one recipient make one write. */
  const notify = <C extends EventContract>(contract: C, render: (d: EventData<C>) => Message): Subscription =>
    onState(contract, dapr.state, (e, ctx) => {
      const m = render(e.data);
      return {
        updates: [
          keyUpdate<Notification[]>(inbox(m.recipient), cur =>
            added(cur, [{ eventId: e.id, event: contract.name, m }]),
          ),
        ],
        after: applied => {
          if (applied) ctx.log.info({ recipient: m.recipient, event: contract.name }, 'notification sent');
        },
      };
    });

  /** The synchronous chain's step: the three messages an order's customer gets, sent now. */
  const routes = (router: ServiceRouter) => {
    router.post('/sync/notifications', async ctx => {
      const o = validate(OrderCreated.schema.extend({ deliveryId: Id }), requestBody(ctx), 'order');
      const ectx = { log, traceparent: undefined };
      const at = now().toISOString();
      const facts: Outgoing[] = [
        { event: 'OrderCreated', eventId: `sync-created-${o.orderId}`, m: messages.OrderCreated(o) },
        {
          event: 'PaymentCompleted',
          eventId: `sync-paid-${o.orderId}`,
          m: messages.PaymentCompleted({ ...o, paymentId: 'sync', amount: o.totalAmount, completedAt: at }),
        },
        {
          event: 'DeliveryStarted',
          eventId: `sync-started-${o.orderId}`,
          m: messages.DeliveryStarted({ ...o, startedAt: at }),
        },
      ];
      // All three are the customer's: one write, which outlasts a conflict storm on a busy inbox (see SYNC_ATTEMPTS).
      await send(o.customerId, facts, ectx, SYNC_ATTEMPTS);
      ctx.body = { sent: facts.length };
    });

    router.get('/notifications', async ctx => {
      // A recipient is a customer id or an email address (sign-ups): either way part of a state key.
      const raw = ctx.query.recipient;
      const recipient = typeof raw === 'string' && Recipient.safeParse(raw).success ? raw : validId(raw, 'recipient');
      const list = (await dapr.state.get<Notification[]>(inbox(recipient)))?.value ?? [];
      ctx.body = { recipient, notifications: list };
    });
  };

  return defineService(deps, {
    routes,
    subscriptions: [
      notify(OrderCreated, messages.OrderCreated),
      notify(PaymentCompleted, messages.PaymentCompleted),
      notify(PaymentFailed, messages.PaymentFailed),
      notify(DeliveryStarted, messages.DeliveryStarted),
      notify(UserRegistered, messages.UserRegistered),
    ],
  });
}
