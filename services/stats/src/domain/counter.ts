// One shard of a counter per kind of fact: a total, per-minute counts, and the recent event ids that make counting idempotent.
export interface Counter {
  kind: string;
  total: number;
  /** "2026-11-25T13:04" -> count, by the event's own time (so a replayed backlog lands in the right minute). */
  perMinute: Record<string, number>;
  recentIds: string[];
}

/**
 * Each kind is counted in this many shards (by event id), so concurrent deliveries rarely collide. GET /stats
 * reads every shard of every kind, so not more: 128 shards made it slow enough to time out under load.
 */
export const SHARDS = 32;
/**
 * Ids remembered per shard: redelivery is deduplicated while fewer than SHARDS x IDS_KEPT (16,000)
 * newer events of the same kind have been counted.
 */
export const IDS_KEPT = 500;
/** Minutes kept per counter. */
export const MINUTES_KEPT = 24 * 60;

export const minuteOf = (iso: string) => iso.slice(0, 16);

export function count(c: Counter | undefined, kind: string, eventId: string, time: string): Counter | undefined {
  const cur = c ?? { kind, total: 0, perMinute: {}, recentIds: [] };
  if (cur.recentIds.includes(eventId)) return undefined;
  const m = minuteOf(time);
  const perMinute = { ...cur.perMinute, [m]: (cur.perMinute[m] ?? 0) + 1 };
  const minutes = Object.keys(perMinute).sort();
  for (const old of minutes.slice(0, Math.max(0, minutes.length - MINUTES_KEPT))) delete perMinute[old];
  const ids = [...cur.recentIds, eventId];
  return { kind, total: cur.total + 1, perMinute, recentIds: ids.length > IDS_KEPT ? ids.slice(-IDS_KEPT) : ids };
}

/** What a shard can say of one event: counted, not counted, or unknown (its id may be among those no longer kept). */
export type Tally = 'counted' | 'notCounted' | 'unknown';

export function tallyOf(c: Counter | undefined, eventId: string): Tally {
  if (c?.recentIds.includes(eventId)) return 'counted';
  // Nothing was ever evicted from this shard while it kept every id it counted: absence is then certain.
  return !c || c.total <= c.recentIds.length ? 'notCounted' : 'unknown';
}
