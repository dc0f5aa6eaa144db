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
