// Subscriptions declared by code: the handler table serves GET /dapr/subscribe and the delivery routes.
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  buildEvent,
  DeadLettered,
  parseEvent,
  type CloudEvent,
  type EventContract,
  type EventData,
} from '@lab/contracts';
import type { EventBus } from './dapr';
import type { Logger } from './logger';
import { requestBody } from './request';
import { sameSecret } from './guard';
import { StateKeyError } from './keys';
import { deadLetters, type DeadLetterReason } from './metrics';
import { deliveryMeter } from './delivery-metrics';
import { eventRoute } from './event-routes';

/** Dead-letter topic shared by every subscription (one place to inspect and replay). */
export const DEAD_LETTER_TOPIC = DeadLettered.topic;

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

export const routeFor = (c: EventContract) => eventRoute(c.topic);

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

/** A subscription that takes any body (no contract): for the dead-letter channel, which holds anything. */
export interface RawSubscription {
  topic: string;
  handle(body: unknown, ctx: EventContext): Promise<void>;
}

export interface MountOptions {
  pubsubName: string;
  subscriptions: readonly Subscription[];
  log: Logger;
  /** When set, daprd must present it as `dapr-api-token` (APP_API_TOKEN). */
  appApiToken: string | undefined;
  /** Where a rejected event goes, with its reason. Without it, rejected events are answered DROP (daprd forwards them as they are). */
  deadLetters?: { bus: EventBus; service: string };
  /** Raw subscriptions; they have no dead-letter topic of their own, so a dead letter never loops. */
  raw?: readonly RawSubscription[];
}

function requireSidecarToken(ctx: Context, token: string | undefined): boolean {
  if (!token || sameSecret(ctx.get('dapr-api-token'), token)) return true;
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
    const raw = (opts.raw ?? []).map(r => ({
      pubsubname: opts.pubsubName,
      topic: r.topic,
      route: eventRoute(r.topic),
    }));
    ctx.body = [...subscriptionList(opts.pubsubName, opts.subscriptions), ...raw];
  });

  for (const r of opts.raw ?? []) {
    router.post(eventRoute(r.topic), async ctx => {
      if (!requireSidecarToken(ctx, opts.appApiToken)) return;
      const body = requestBody(ctx);
      const log = opts.log.child({ topic: r.topic });
      const meter = deliveryMeter(r.topic, body);
      try {
        const { duplicate } = await meter.timed(() =>
          r.handle(body, { log, traceparent: ctx.get('traceparent') || undefined }),
        );
        ctx.body = { status: 'SUCCESS' };
        meter.done(duplicate ? 'duplicate' : 'success');
      } catch (err) {
        if (err instanceof StateKeyError) {
          // Never storable, so never worth a retry; a raw channel has no dead-letter topic of its own.
          log.warn({ err }, 'raw event names a key the state store refuses; dropped');
          ctx.body = { status: 'DROP', reason: err.message };
          meter.done('dead_lettered');
          return;
        }
        log.warn({ err }, 'raw event handling failed; asking for redelivery');
        ctx.status = 500;
        ctx.body = { status: 'RETRY', reason: 'transient failure' };
        meter.done('retry');
      }
    });
  }

  /** Sets the event aside with its reason: SUCCESS once DeadLettered is published, DROP if even that fails. */
  async function deadLetter(
    ctx: Context,
    topic: string,
    why: DeadLetterReason,
    reason: string,
    original: unknown,
    log: Logger,
  ) {
    log.warn({ reason }, 'dead-lettering an event');
    // Either way it reaches the dead-letter topic: as DeadLettered, or as it is through the subscription's deadLetterTopic.
    deadLetters.inc({ topic, reason: why });
    if (opts.deadLetters) {
      try {
        const service = opts.deadLetters.service;
        const e = buildEvent(
          DeadLettered,
          { reason, topic, service, original, deadLetteredAt: new Date().toISOString() },
          { source: service },
        );
        await opts.deadLetters.bus.publish(DeadLettered, e);
        ctx.body = { status: 'SUCCESS', deadLettered: reason };
        return;
      } catch (err) {
        log.warn({ err }, 'could not publish DeadLettered; answering DROP');
      }
    }
    ctx.body = { status: 'DROP', reason };
  }

  for (const sub of opts.subscriptions) {
    router.post(routeFor(sub.contract), async ctx => {
      if (!requireSidecarToken(ctx, opts.appApiToken)) return;
      const body = requestBody(ctx);
      const parsed = parseEvent(sub.contract, body);
      const log = opts.log.child({ topic: sub.contract.topic, eventId: parsed.ok ? parsed.event.id : undefined });
      const meter = deliveryMeter(sub.contract.topic, body);
      if (!parsed.ok) {
        await deadLetter(ctx, sub.contract.topic, 'invalid', parsed.reason, body, log);
        meter.done('dead_lettered');
        return;
      }
      try {
        const { duplicate } = await meter.timed(() =>
          sub.handle(parsed.event, { log, traceparent: ctx.get('traceparent') || parsed.event.traceparent }),
        );
        ctx.body = { status: 'SUCCESS' };
        meter.done(duplicate ? 'duplicate' : 'success');
      } catch (err) {
        // A key the state store refuses fails every retry the same way: dead-lettered now, with the reason.
        if (err instanceof PermanentEventError || err instanceof StateKeyError) {
          const why = err instanceof StateKeyError ? 'key' : 'permanent';
          await deadLetter(ctx, sub.contract.topic, why, err.message, body, log);
          meter.done('dead_lettered');
          return;
        }
        log.warn({ err }, 'event handling failed; asking for redelivery');
        ctx.status = 500;
        ctx.body = { status: 'RETRY', reason: 'transient failure' };
        meter.done('retry');
      }
    });
  }
}
