// Subscriptions declared by code: the handler table serves GET /dapr/subscribe and the delivery routes.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { parseEvent, type CloudEvent, type EventContract, type EventData } from '@lab/contracts';
import type { Logger } from './logger';

/** Dead-letter topic shared by every subscription (one place to inspect and replay). */
export const DEAD_LETTER_TOPIC = 'dead-letters';

/** Throw this from a handler for an event that can never succeed: it is dropped to the dead-letter topic. */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

export interface EventContext {
  log: Logger;
  /** W3C trace context of this delivery, as daprd forwarded it. */
  traceparent: string | undefined;
}

export interface Subscription<C extends EventContract = EventContract> {
  contract: C;
  handle(event: CloudEvent<EventData<C>>, ctx: EventContext): Promise<void>;
}

/** Declares a handler for one contract; the route and topic come from the contract. */
export function on<C extends EventContract>(
  contract: C,
  handle: (event: CloudEvent<EventData<C>>, ctx: EventContext) => Promise<void>,
): Subscription {
  return { contract, handle } as unknown as Subscription;
}

export const routeFor = (c: EventContract) => `/events/${c.topic}`;

export interface DaprSubscriptionItem {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic: string;
}

export function subscriptionList(pubsubName: string, subs: readonly Subscription[]): DaprSubscriptionItem[] {
  return subs.map(s => ({
    pubsubname: pubsubName,
    topic: s.contract.topic,
    route: routeFor(s.contract),
    deadLetterTopic: DEAD_LETTER_TOPIC,
  }));
}

export interface MountOptions {
  pubsubName: string;
  subscriptions: readonly Subscription[];
  log: Logger;
  /** When set, daprd must present it as `dapr-api-token` (APP_API_TOKEN). */
  appApiToken: string | undefined;
}

function requireSidecarToken(ctx: Context, token: string | undefined): boolean {
  if (!token || ctx.get('dapr-api-token') === token) return true;
  ctx.status = 401;
  ctx.body = { error: { code: 'unauthorized', message: 'missing or wrong dapr-api-token' } };
  return false;
}

/**
 * Adds GET /dapr/subscribe and one POST route per subscription. Answers follow Dapr's contract:
 * SUCCESS when handled, DROP (to the dead-letter topic) for an event that is invalid or can never
 * succeed, and HTTP 500 (retried by the resiliency policy) for anything transient.
 */
export function mountSubscriptions(router: Router, opts: MountOptions): void {
  const seen = new Set<string>();
  for (const s of opts.subscriptions) {
    if (seen.has(s.contract.topic)) throw new Error(`two handlers for topic ${s.contract.topic}`);
    seen.add(s.contract.topic);
  }

  router.get('/dapr/subscribe', ctx => {
    if (!requireSidecarToken(ctx, opts.appApiToken)) return;
    ctx.body = subscriptionList(opts.pubsubName, opts.subscriptions);
  });

  for (const sub of opts.subscriptions) {
    router.post(routeFor(sub.contract), async ctx => {
      if (!requireSidecarToken(ctx, opts.appApiToken)) return;
      const parsed = parseEvent(sub.contract, ctx.request.body);
      const log = opts.log.child({ topic: sub.contract.topic, eventId: parsed.ok ? parsed.event.id : undefined });
      if (!parsed.ok) {
        log.warn({ reason: parsed.reason }, 'dropping invalid event');
        ctx.body = { status: 'DROP', reason: parsed.reason };
        return;
      }
      try {
        await sub.handle(parsed.event, { log, traceparent: ctx.get('traceparent') || parsed.event.traceparent });
        ctx.body = { status: 'SUCCESS' };
      } catch (err) {
        if (err instanceof PermanentEventError) {
          log.warn({ reason: err.message }, 'dropping event that cannot succeed');
          ctx.body = { status: 'DROP', reason: err.message };
          return;
        }
        log.warn({ err }, 'event handling failed; asking for redelivery');
        ctx.status = 500;
        ctx.body = { status: 'RETRY', reason: 'transient failure' };
      }
    });
  }
}
