// Subscriptions declared by code: the handler table serves GET /dapr/subscribe and the delivery routes.
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  audienceOf,
  buildEvent,
  DeadLettered,
  forwardedDeadLetterTopic,
  isAddressedTo,
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
import { deadLetters, eventsPerDelivery, type DeadLetterReason } from './metrics';
import { deliveryMeter } from './delivery-metrics';
import { eventRoute } from './event-routes';

/** Where consumers publish DeadLettered (one place to inspect and replay; audit keeps the desk). */
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
  /**
   * Whom the delivered copy was addressed to (contracts' `addressed`); undefined for every subscriber. A handler that
   * announces a fact again because of this delivery addresses it to the same audience, so a late copy stays with
   * the consumers it was meant for; a fact announced for the first time goes to everyone.
   */
  audience?: readonly string[] | undefined;
}

export interface Subscription<C extends EventContract = EventContract> {
  contract: C;
  handle(event: CloudEvent<EventData<C>>, ctx: EventContext): Promise<void>;
  /**
   * The events of one bulk delivery at once (onState's fold), with one outcome per event in their order: an error
   * fails that event alone, `duplicate` says it changed nothing. Without it a batch runs through `handle`, per event.
   */
  handleMany?(
    items: { event: CloudEvent<EventData<C>>; ctx: EventContext }[],
  ): Promise<{ error?: unknown; duplicate: boolean }[]>;
}

/** Declares a handler for one contract; the route and topic come from the contract. */
export function on<C extends EventContract>(
  contract: C,
  handle: (event: CloudEvent<EventData<C>>, ctx: EventContext) => Promise<void>,
): Subscription {
  return { contract, handle } as unknown as Subscription;
}

export const routeFor = (c: EventContract) => eventRoute(c.topic);

/** Dapr's bulk subscribe, as this app asks for it: off, or up to `maxMessages` events per delivery. */
export interface BulkSettings {
  /** Events per delivery at most (BULK_MAX_MESSAGES); 0 = one event per delivery, as without bulk subscribe. */
  readonly maxMessages: number;
  /** How long daprd holds a partial batch before delivering it (BULK_MAX_AWAIT_MS). */
  readonly maxAwaitMs: number;
}

export const NO_BULK: BulkSettings = Object.freeze({ maxMessages: 0, maxAwaitMs: 0 });

export interface DaprSubscriptionItem {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic: string;
  bulkSubscribe?: { enabled: true; maxMessagesCount: number; maxAwaitDurationMs: number };
}

/**
 * What daprd is told to subscribe for `service`: each contract on its route, with the service's own forwarding
 * topic for what keeps failing after every retry (the letter then says whose it was).
 */
export function subscriptionList(
  pubsubName: string,
  service: string,
  subs: readonly Subscription[],
  bulk: BulkSettings = NO_BULK,
): DaprSubscriptionItem[] {
  return subs.map(s => ({
    pubsubname: pubsubName,
    topic: s.contract.topic,
    route: routeFor(s.contract),
    deadLetterTopic: forwardedDeadLetterTopic(service),
    ...(bulk.maxMessages > 0
      ? {
          bulkSubscribe: {
            enabled: true as const,
            maxMessagesCount: bulk.maxMessages,
            maxAwaitDurationMs: bulk.maxAwaitMs,
          },
        }
      : {}),
  }));
}

/** A subscription that takes any body (no contract): for the dead-letter channel, which holds anything. */
export interface RawSubscription {
  topic: string;
  handle(body: unknown, ctx: EventContext): Promise<void>;
}

export interface MountOptions {
  pubsubName: string;
  /** This service's app id: a copy addressed to others is acknowledged unhandled. */
  service: string;
  subscriptions: readonly Subscription[];
  log: Logger;
  /** When set, daprd must present it as `dapr-api-token` (APP_API_TOKEN). */
  appApiToken: string | undefined;
  /** Where a rejected event goes, with its reason. Without it, rejected events are answered DROP (daprd forwards them as they are). */
  deadLetters?: { bus: EventBus; service: string };
  /** Raw subscriptions; they have no dead-letter topic of their own, so a dead letter never loops. */
  raw?: readonly RawSubscription[];
  /** Bulk subscribe for the contract subscriptions (raw ones always take one event per delivery). */
  bulk?: BulkSettings;
  /** The dropRate fault knob, asked once per event: true = acknowledge it unhandled (the event is lost here). */
  drop?: () => boolean;
}

function requireSidecarToken(ctx: Context, token: string | undefined): boolean {
  if (!token || sameSecret(ctx.get('dapr-api-token'), token)) return true;
  ctx.status = 401;
  ctx.body = { error: { code: 'unauthorized', message: 'missing or wrong dapr-api-token' } };
  return false;
}

/** What the app answers for one event: Dapr's three statuses, with the reason of anything but SUCCESS. */
export interface EventAnswer {
  status: 'SUCCESS' | 'RETRY' | 'DROP';
  reason?: string;
  deadLettered?: string;
  dropped?: string;
  /** Acknowledged unhandled: a copy addressed to other consumers. */
  addressedTo?: string;
}

const DROPPED_BY_KNOB: EventAnswer = { status: 'SUCCESS', dropped: 'by the dropRate fault knob' };

/** One entry of a bulk delivery, as daprd 1.18 sends it (`event` is the CloudEvent, already parsed). */
interface BulkEntry {
  entryId: string;
  event: unknown;
}

/** A bulk delivery (daprd's envelope: id, type, topic, pubsubname, metadata, entries), or undefined for one event. */
export function bulkEntries(body: unknown): BulkEntry[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const entries = (body as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return undefined;
  return entries.filter(
    (e): e is BulkEntry =>
      typeof e === 'object' && e !== null && typeof (e as { entryId?: unknown }).entryId === 'string',
  );
}

/**
 * Runs each entry of a batch through `handle` and collects one status per entry. Entries about one subject (an
 * order, a customer) run one after the other in the order daprd sent them, as they would one delivery at a time on
 * one partition; different subjects run side by side. One failing entry never fails the rest of its batch.
 */
export async function answerBatch(
  entries: readonly BulkEntry[],
  handle: (event: unknown) => Promise<EventAnswer>,
): Promise<{ statuses: { entryId: string; status: EventAnswer['status'] }[] }> {
  const bySubject = new Map<string, BulkEntry[]>();
  entries.forEach((e, i) => {
    const subject = (e.event as { subject?: unknown } | null)?.subject;
    const key = typeof subject === 'string' && subject !== '' ? `s:${subject}` : `i:${i}`;
    const list = bySubject.get(key) ?? [];
    list.push(e);
    bySubject.set(key, list);
  });
  const answers = new Map<string, EventAnswer['status']>();
  await Promise.all(
    [...bySubject.values()].map(async list => {
      for (const e of list) {
        const a = await handle(e.event).catch((): EventAnswer => ({ status: 'RETRY', reason: 'transient failure' }));
        answers.set(e.entryId, a.status);
      }
    }),
  );
  return { statuses: entries.map(e => ({ entryId: e.entryId, status: answers.get(e.entryId) ?? 'RETRY' })) };
}

/**
 * Adds GET /dapr/subscribe and one POST route per subscription. Answers follow Dapr's contract, per event (one per
 * delivery, or one per entry of a bulk delivery): SUCCESS when handled, DROP (to the dead-letter topic) for an event
 * that is invalid or can never succeed, and RETRY (HTTP 500 for a single event) for anything transient, which the
 * resiliency policy retries; in a batch only the entries that asked for it are delivered again.
 */
export function mountSubscriptions(router: Router, opts: MountOptions): void {
  const seen = new Set<string>();
  for (const s of opts.subscriptions) {
    if (seen.has(s.contract.topic)) throw new Error(`two handlers for topic ${s.contract.topic}`);
    seen.add(s.contract.topic);
  }
  const drop = opts.drop ?? (() => false);

  router.get('/dapr/subscribe', ctx => {
    if (!requireSidecarToken(ctx, opts.appApiToken)) return;
    const raw = (opts.raw ?? []).map(r => ({
      pubsubname: opts.pubsubName,
      topic: r.topic,
      route: eventRoute(r.topic),
    }));
    ctx.body = [...subscriptionList(opts.pubsubName, opts.service, opts.subscriptions, opts.bulk), ...raw];
  });

  /** Answers a single delivery: SUCCESS and DROP as 200, RETRY as 500 (what makes daprd retry it). */
  function reply(ctx: Context, a: EventAnswer): void {
    if (a.status === 'RETRY') ctx.status = 500;
    ctx.body = a;
  }

  for (const r of opts.raw ?? []) {
    const log = opts.log.child({ topic: r.topic });
    router.post(eventRoute(r.topic), async ctx => {
      if (!requireSidecarToken(ctx, opts.appApiToken)) return;
      const body = requestBody(ctx);
      if (drop()) return reply(ctx, DROPPED_BY_KNOB);
      const meter = deliveryMeter(r.topic, body);
      try {
        const { duplicate } = await meter.timed(() =>
          r.handle(body, { log, traceparent: ctx.get('traceparent') || undefined }),
        );
        meter.done(duplicate ? 'duplicate' : 'success');
        reply(ctx, { status: 'SUCCESS' });
      } catch (err) {
        if (err instanceof StateKeyError) {
          // Never storable, so never worth a retry; a raw channel has no dead-letter topic of its own.
          log.warn({ err }, 'raw event names a key the state store refuses; dropped');
          meter.done('dead_lettered');
          return reply(ctx, { status: 'DROP', reason: err.message });
        }
        log.warn({ err }, 'raw event handling failed; asking for redelivery');
        meter.done('retry');
        reply(ctx, { status: 'RETRY', reason: 'transient failure' });
      }
    });
  }

  /** Sets the event aside with its reason: SUCCESS once DeadLettered is published, DROP if even that fails. */
  async function deadLetter(
    topic: string,
    why: DeadLetterReason,
    reason: string,
    original: unknown,
    log: Logger,
  ): Promise<EventAnswer> {
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
        return { status: 'SUCCESS', deadLettered: reason };
      } catch (err) {
        log.warn({ err }, 'could not publish DeadLettered; answering DROP');
      }
    }
    return { status: 'DROP', reason };
  }

  for (const sub of opts.subscriptions) {
    const topic = sub.contract.topic;
    type Admitted = { event: CloudEvent; ctx: EventContext; meter: ReturnType<typeof deliveryMeter> };

    /** What comes before any handler: the drop knob, the contract, the audience; an answer, or the event to handle. */
    async function admit(body: unknown, traceparent: string | undefined): Promise<EventAnswer | Admitted> {
      if (drop()) return DROPPED_BY_KNOB;
      const parsed = parseEvent(sub.contract, body);
      const log = opts.log.child({ topic, eventId: parsed.ok ? parsed.event.id : undefined });
      const meter = deliveryMeter(topic, body);
      if (!parsed.ok) {
        const a = await deadLetter(topic, 'invalid', parsed.reason, body, log);
        meter.done('dead_lettered');
        return a;
      }
      if (!isAddressedTo(parsed.event, opts.service)) {
        meter.done('not_addressed');
        return { status: 'SUCCESS', addressedTo: parsed.event.addressedto };
      }
      const ctx = { log, traceparent: traceparent || parsed.event.traceparent, audience: audienceOf(parsed.event) };
      return { event: parsed.event, ctx, meter };
    }

    /** A handler's failure: set aside when it can never succeed, else to be delivered again. */
    async function failed(err: unknown, body: unknown, a: Admitted): Promise<EventAnswer> {
      // A key the state store refuses fails every retry the same way: dead-lettered now, with the reason.
      if (err instanceof PermanentEventError || err instanceof StateKeyError) {
        const why = err instanceof StateKeyError ? 'key' : 'permanent';
        const answer = await deadLetter(topic, why, err.message, body, a.ctx.log);
        a.meter.done('dead_lettered');
        return answer;
      }
      a.ctx.log.warn({ err }, 'event handling failed; asking for redelivery');
      a.meter.done('retry');
      return { status: 'RETRY', reason: 'transient failure' };
    }

    /** One event, however it came: validated, handled, and answered with its own status. */
    async function answer(body: unknown, traceparent: string | undefined): Promise<EventAnswer> {
      const a = await admit(body, traceparent);
      if ('status' in a) return a;
      try {
        const { duplicate } = await a.meter.timed(() => sub.handle(a.event, a.ctx));
        a.meter.done(duplicate ? 'duplicate' : 'success');
        return { status: 'SUCCESS' };
      } catch (err) {
        return failed(err, body, a);
      }
    }

    /** A whole batch to a subscription that folds it: every entry admitted, then handled together, each answered. */
    async function answerFolded(
      entries: readonly BulkEntry[],
      handleMany: NonNullable<Subscription['handleMany']>,
    ): Promise<{ statuses: { entryId: string; status: EventAnswer['status'] }[] }> {
      const answers = new Map<string, EventAnswer['status']>();
      const admitted: (Admitted & { entry: BulkEntry })[] = [];
      for (const entry of entries) {
        const a = await admit(entry.event, undefined).catch((): EventAnswer => ({ status: 'RETRY' }));
        if ('status' in a) answers.set(entry.entryId, a.status);
        else admitted.push({ ...a, entry });
      }
      const started = performance.now();
      const outcomes = await handleMany(admitted.map(a => ({ event: a.event, ctx: a.ctx }))).catch((error: unknown) =>
        admitted.map(() => ({ error, duplicate: false })),
      );
      // Each entry waited for its whole batch: that is its handler time.
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(
        admitted.map(async (a, i) => {
          const o = outcomes[i];
          a.meter.took(seconds);
          if (o.error !== undefined) {
            answers.set(a.entry.entryId, (await failed(o.error, a.entry.event, a)).status);
          } else {
            a.meter.done(o.duplicate ? 'duplicate' : 'success');
            answers.set(a.entry.entryId, 'SUCCESS');
          }
        }),
      );
      return { statuses: entries.map(e => ({ entryId: e.entryId, status: answers.get(e.entryId) ?? 'RETRY' })) };
    }

    router.post(routeFor(sub.contract), async ctx => {
      if (!requireSidecarToken(ctx, opts.appApiToken)) return;
      const body = requestBody(ctx);
      const entries = bulkEntries(body);
      eventsPerDelivery.observe({ topic }, entries?.length ?? 1);
      if (entries) {
        // Each entry carries its own trace context (the CloudEvent's traceparent), not the request's.
        const handleMany = sub.handleMany?.bind(sub);
        ctx.body = handleMany
          ? await answerFolded(entries, handleMany)
          : await answerBatch(entries, event => answer(event, undefined));
        return;
      }
      reply(ctx, await answer(body, ctx.get('traceparent') || undefined));
    });
  }
}
