// CloudEvents 1.0 envelopes: built by publishers, parsed and validated by subscribers.
import { randomUUID } from 'node:crypto';
import type { EventContract, EventData } from './define';

export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  subject: string;
  data: T;
  traceparent?: string;
  /** The same W3C value as traceparent: daprd keeps the envelope's trace context only when `traceid` is present. */
  traceid?: string;
  tracestate?: string;
  /** A copy for some consumers only (see `addressed`): their app ids, comma separated. Absent: every subscriber. */
  addressedto?: string;
  /** Set by daprd on delivery. */
  topic?: string;
  pubsubname?: string;
}

export interface BuildOptions {
  /** The publishing service (CloudEvent `source`). */
  source: string;
  /** Defaults to a fresh UUID; pass a stable id to make a re-publish a duplicate rather than a new fact. */
  id?: string;
  time?: Date;
  traceparent?: string;
  tracestate?: string;
}

/** Validates `data` against the contract and wraps it; throws on invalid data (a publisher bug). */
export function buildEvent<C extends EventContract>(
  contract: C,
  data: EventData<C>,
  opts: BuildOptions,
): CloudEvent<EventData<C>> {
  const parsed = contract.schema.parse(data) as EventData<C>;
  const event: CloudEvent<EventData<C>> = {
    specversion: '1.0',
    id: opts.id ?? randomUUID(),
    source: opts.source,
    type: contract.type,
    time: (opts.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    subject: contract.key(parsed),
    data: parsed,
  };
  if (opts.traceparent) {
    event.traceparent = opts.traceparent;
    event.traceid = opts.traceparent;
  }
  if (opts.tracestate) event.tracestate = opts.tracestate;
  return event;
}

export type ParseResult<T> = { ok: true; event: CloudEvent<T> } | { ok: false; reason: string };

/** Checks a delivered body: a CloudEvent of this contract's type whose data matches its schema. */
export function parseEvent<C extends EventContract>(contract: C, body: unknown): ParseResult<EventData<C>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  const ce = body as Record<string, unknown>;
  if (ce.specversion !== '1.0') return { ok: false, reason: 'specversion must be "1.0"' };
  if (typeof ce.id !== 'string' || ce.id.length === 0) return { ok: false, reason: 'id is missing' };
  if (ce.type !== contract.type) {
    return { ok: false, reason: `type "${String(ce.type)}" is not "${contract.type}"` };
  }
  if (ce.addressedto !== undefined && (typeof ce.addressedto !== 'string' || !AUDIENCE_PATTERN.test(ce.addressedto))) {
    return { ok: false, reason: 'addressedto must be app ids (a-z, 0-9, -) separated by commas' };
  }
  const result = contract.schema.safeParse(ce.data);
  if (!result.success) {
    const fields = result.error.issues.map(i => `${i.path.join('.') || '(data)'}: ${i.message}`);
    return { ok: false, reason: `data does not match ${contract.name}: ${fields.join('; ')}` };
  }
  return { ok: true, event: { ...(ce as unknown as CloudEvent), data: result.data as EventData<C> } };
}

/*
 * Addressed copies. A fact is published once to every subscriber; a copy published again later (the open-orders
 * watch re-announcing a stale order, a dead letter replayed to the consumer that set it aside, and whatever those
 * copies make their consumers announce again once the fact is old) names the consumers it is for in the CloudEvent
 * extension `addressedto`. Every other subscriber acknowledges it unhandled. So a consumer whose duplicate memory is
 * a window (an inbox of the newest messages, a capped index) meets an event id again only within
 * FIRST_ANNOUNCEMENT_MS of the fact, however late the copy is made.
 */

/**
 * How long after a fact was made its first announcement may still be owed: the delivery that made it (and stored
 * it) may have failed to publish it, and stay pending at the broker for the Redis component's processingTimeout
 * (320 s) before it is retried for the inbound retry budget (302 s at worst). tools/runtime/test/components.test.ts
 * holds this above their sum.
 */
export const FIRST_ANNOUNCEMENT_MS = 11 * 60_000;

/**
 * A stored fact announced again because a copy of an event asked for it (a redelivery, a re-announcement, a
 * replay): for every subscriber while the fact is younger than FIRST_ANNOUNCEMENT_MS, since its first announcement
 * may have failed and this may be it; older, only for the audience of the copy that asked (undefined: everyone).
 */
export function announcedAgain<T>(
  fact: CloudEvent<T>,
  audience: readonly string[] | undefined,
  now: Date,
): CloudEvent<T> {
  const age = now.getTime() - Date.parse(fact.time);
  return addressed(fact, Number.isFinite(age) && age < FIRST_ANNOUNCEMENT_MS ? undefined : audience);
}
const APP_ID = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const AUDIENCE_PATTERN = new RegExp(`^${APP_ID}(,${APP_ID})*$`);

/** The consumers `event` is for: undefined for every subscriber (no `addressedto`), else their app ids. */
export function audienceOf(event: Pick<CloudEvent, 'addressedto'>): readonly string[] | undefined {
  return event.addressedto === undefined ? undefined : event.addressedto.split(',');
}

/** Whether `service` is to handle this copy of the event. */
export const isAddressedTo = (event: Pick<CloudEvent, 'addressedto'>, service: string): boolean =>
  audienceOf(event)?.includes(service) ?? true;

/**
 * `event` as a copy for `audience` only (app ids), or for every subscriber when `audience` is undefined. The rest
 * of the envelope (id, data, trace) is unchanged, so a consumer that already handled the event still sees a duplicate.
 */
export function addressed<T>(event: CloudEvent<T>, audience: readonly string[] | undefined): CloudEvent<T> {
  const { addressedto: _previous, ...rest } = event;
  if (audience === undefined) return rest;
  const list = [...new Set(audience)];
  if (!AUDIENCE_PATTERN.test(list.join(','))) throw new Error(`not an audience of app ids: ${list.join(',')}`);
  return { ...rest, addressedto: list.join(',') };
}
