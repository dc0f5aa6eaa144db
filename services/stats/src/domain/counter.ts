// One shard of a counter per kind of fact: a total, per-minute counts, and the recent event ids that make counting idempotent.
import { FIRST_ANNOUNCEMENT_MS } from '@lab/contracts';

export interface Counter {
  kind: string;
  total: number;
  /** "2026-11-25T13:04" -> count, by the event's own time (so a replayed backlog lands in the right minute). */
  perMinute: Record<string, number>;
  /**
   * The ids counted, by the minute of their event's own time: every minute from DEDUPE_MINUTES before the newest
   * one this shard has counted, at most IDS_KEPT_MAX ids (the oldest minutes go first beyond it).
   */
  seen: Record<string, string[]>;
}

/**
 * Each kind is counted in this many shards (by event id), so concurrent deliveries rarely collide. GET /stats
 * reads every shard of every kind, so not more: 128 shards made it slow enough to time out under load.
 */
export const SHARDS = 32;

/**
 * How far behind the newest event a shard has counted it still remembers ids, in minutes of the events' own time
 * (stream time, not stats' clock: a backlog read after an outage is deduplicated like live traffic). A second copy
 * of a fact for every subscriber is made within FIRST_ANNOUNCEMENT_MS of it (docs/guarantees.md section 1, 11 min);
 * 5 more for a Kafka partition held back by the inbound retry budget (302 s) while the others advance the shard's
 * newest minute; 1 for the granularity of a minute.
 */
export const DEDUPE_MINUTES = Math.ceil(FIRST_ANNOUNCEMENT_MS / 60_000) + 5 + 1;

/**
 * The most ids one shard keeps: the window holds DEDUPE_MINUTES up to SHARDS x IDS_KEPT_MAX / DEDUPE_MINUTES
 * events per minute of one kind (48,000 per 17 min, 47/s: this machine's knee is 30 orders/s); above that rate the
 * oldest minutes are let go first, and the tally says "unknown" for their ids.
 */
export const IDS_KEPT_MAX = 1500;
/** Minutes kept per counter. */
export const MINUTES_KEPT = 24 * 60;

export const minuteOf = (iso: string) => iso.slice(0, 16);
const minuteMs = (minute: string) => Date.parse(`${minute}:00Z`);

/**
 * Counts `eventId` once: undefined when this shard has already counted it. `now` (stats' clock) only caps the
 * newest minute, so an event stamped in the future cannot push every remembered id out of the window.
 */
export function count(
  c: Counter | undefined,
  kind: string,
  eventId: string,
  time: string,
  now: Date,
): Counter | undefined {
  const cur = c ?? { kind, total: 0, perMinute: {}, seen: {} };
  if (Object.values(cur.seen).some(ids => ids.includes(eventId))) return undefined;
  const m = minuteOf(time);
  const perMinute = { ...cur.perMinute, [m]: (cur.perMinute[m] ?? 0) + 1 };
  const minutes = Object.keys(perMinute).sort();
  for (const old of minutes.slice(0, Math.max(0, minutes.length - MINUTES_KEPT))) delete perMinute[old];
  return { kind, total: cur.total + 1, perMinute, seen: remember(cur.seen, m, eventId, now) };
}

function remember(
  seen: Record<string, string[]>,
  minute: string,
  eventId: string,
  now: Date,
): Record<string, string[]> {
  const next: Record<string, string[]> = { ...seen, [minute]: [...(seen[minute] ?? []), eventId] };
  const latest = minuteOf(new Date(now.getTime() + 60_000).toISOString());
  const keys = Object.keys(next).sort();
  const newest = keys.filter(k => k <= latest).pop() ?? latest;
  const from = minuteMs(newest) - DEDUPE_MINUTES * 60_000;
  let kept = 0;
  for (const k of keys) {
    // NaN (a minute that is no date) is never below `from`: such ids stay until the size bound lets them go.
    if (minuteMs(k) < from) delete next[k];
    else kept += next[k].length;
  }
  for (const k of keys) {
    if (kept <= IDS_KEPT_MAX) break;
    if (!next[k]) continue;
    const drop = Math.min(next[k].length, kept - IDS_KEPT_MAX);
    next[k] = next[k].slice(drop);
    kept -= drop;
    if (next[k].length === 0) delete next[k];
  }
  return next;
}

/** What a shard can say of one event: counted, not counted, or unknown (its id may be among those no longer kept). */
export type Tally = 'counted' | 'notCounted' | 'unknown';

export function tallyOf(c: Counter | undefined, eventId: string): Tally {
  if (!c) return 'notCounted';
  const ids = Object.values(c.seen);
  if (ids.some(x => x.includes(eventId))) return 'counted';
  // Nothing was ever let go from this shard while it kept every id it counted: absence is then certain.
  return c.total <= ids.reduce((n, x) => n + x.length, 0) ? 'notCounted' : 'unknown';
}
