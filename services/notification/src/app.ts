// createApp(deps): one message per (fact, recipient), kept in the recipient's inbox.
import type Koa from 'koa';
import { z } from 'zod';
import {
  DeliveryStarted,
  Id,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
  UserRegistered,
  type CloudEvent,
  type EventContract,
  type EventData,
} from '@lab/contracts';
import {
  capped,
  mountEvents,
  on,
  requestBody,
  serviceShell,
  updateState,
  validate,
  validId,
  type AppDeps,
  type EventContext,
  type Subscription,
} from '@lab/kit';
import type { Config } from './config';
import { messages, type Message, type Notification } from './domain/messages';

export type Deps = AppDeps<Config>;

/** Messages kept per recipient; the inbox also holds the ids that make sending idempotent. */
export const INBOX_SIZE = 500;
const Recipient = z.email().max(254);
const inbox = (recipient: string) => `inbox:${recipient}`;

export function createApp(deps: Deps): Koa {
  const { log, dapr } = deps;
  const now = deps.now ?? (() => new Date());
  const shell = serviceShell(deps);

  async function send(event: CloudEvent, name: string, m: Message, ctx: EventContext): Promise<void> {
    const { changed } = await updateState<Notification[]>(dapr.state, inbox(m.recipient), cur => {
      if (cur?.some(n => n.eventId === event.id)) return undefined;
      const n: Notification = { ...m, eventId: event.id, event: name, sentAt: now().toISOString() };
      return capped([...(cur ?? []), n], INBOX_SIZE);
    });
    if (changed) ctx.log.info({ recipient: m.recipient, event: name }, 'notification sent');
  }

  const notify = <C extends EventContract>(contract: C, render: (d: EventData<C>) => Message): Subscription =>
    on(contract, (e, ctx) => send(e, contract.name, render(e.data), ctx));

  /** The synchronous chain's step: the three messages an order's customer gets, sent now. */
  shell.router.post('/sync/notifications', async ctx => {
    const o = validate(OrderCreated.schema.extend({ deliveryId: Id }), requestBody(ctx), 'order');
    const ectx = { log, traceparent: undefined };
    const at = now().toISOString();
    const facts: [string, string, Message][] = [
      ['OrderCreated', `sync-created-${o.orderId}`, messages.OrderCreated(o)],
      [
        'PaymentCompleted',
        `sync-paid-${o.orderId}`,
        messages.PaymentCompleted({ ...o, paymentId: 'sync', amount: o.totalAmount, completedAt: at }),
      ],
      ['DeliveryStarted', `sync-started-${o.orderId}`, messages.DeliveryStarted({ ...o, startedAt: at })],
    ];
    for (const [name, id, m] of facts) await send({ id } as CloudEvent, name, m, ectx);
    ctx.body = { sent: facts.length };
  });

  shell.router.get('/notifications', async ctx => {
    // A recipient is a customer id or an email address (sign-ups): either way part of a state key.
    const raw = ctx.query.recipient;
    const recipient = typeof raw === 'string' && Recipient.safeParse(raw).success ? raw : validId(raw, 'recipient');
    const list = (await dapr.state.get<Notification[]>(inbox(recipient)))?.value ?? [];
    ctx.body = { recipient, notifications: list };
  });

  mountEvents(shell.router, deps, [
    notify(OrderCreated, messages.OrderCreated),
    notify(PaymentCompleted, messages.PaymentCompleted),
    notify(PaymentFailed, messages.PaymentFailed),
    notify(DeliveryStarted, messages.DeliveryStarted),
    notify(UserRegistered, messages.UserRegistered),
  ]);

  return shell.finish();
}
