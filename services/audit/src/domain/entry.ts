// An audit entry: who announced what, when, about which subject, under which trace.
import type { CloudEvent } from '@lab/contracts';
import { traceIdOf } from '@lab/kit';

export interface AuditEntry {
  eventId: string;
  /** Contract name (OrderCreated, ...). */
  name: string;
  type: string;
  topic: string;
  /** The publishing service. */
  source: string;
  /** Business key: order id or user id. */
  subject: string;
  time: string;
  traceId?: string;
  receivedAt: string;
  data: unknown;
}

/** The state keys of the two indexes: every entry of one subject, and the newest of one type in one shard. */
export const bySubject = (subject: string) => `audit-subject:${subject}`;
export const byType = (name: string, shard: number) => `audit-type:${name}:${shard}`;

/** Entries kept per subject (an order has a handful). */
export const PER_SUBJECT = 200;
/**
 * The by-type index is split in shards (by event id) so concurrent deliveries rarely collide; newest kept per
 * shard. Every event rewrites its whole shard, so many small shards: 64 x 25 keeps the newest 1,600 per type.
 */
export const TYPE_SHARDS = 64;
export const PER_TYPE_SHARD = 25;

export function entryOf(
  e: CloudEvent,
  name: string,
  topic: string,
  receivedAt: string,
  traceparent?: string,
): AuditEntry {
  const traceId = traceIdOf(e.traceparent) ?? traceIdOf(traceparent);
  return {
    eventId: e.id,
    name,
    type: e.type,
    topic,
    source: e.source,
    subject: e.subject,
    time: e.time,
    ...(traceId ? { traceId } : {}),
    receivedAt,
    data: e.data,
  };
}

/** Appends once per event id, keeping the newest `max`. */
export function append(list: AuditEntry[] | undefined, entry: AuditEntry, max: number): AuditEntry[] | undefined {
  if (list?.some(x => x.eventId === entry.eventId)) return undefined;
  const next = [...(list ?? []), entry];
  return next.length > max ? next.slice(-max) : next;
}

/**
 * The fact an entry records, as the CloudEvent it was (same id, source, time, subject and data, so every consumer
 * that handled it sees a duplicate). The trace goes on under its trace id, from a new parent span.
 */
export function eventOf(entry: AuditEntry, span: string): CloudEvent {
  const event: CloudEvent = {
    specversion: '1.0',
    id: entry.eventId,
    source: entry.source,
    type: entry.type,
    time: entry.time,
    datacontenttype: 'application/json',
    subject: entry.subject,
    data: entry.data,
  };
  if (entry.traceId) event.traceparent = event.traceid = `00-${entry.traceId}-${span}-01`;
  return event;
}
