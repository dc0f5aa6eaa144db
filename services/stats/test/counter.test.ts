import { count, DEDUPE_MINUTES, IDS_KEPT_MAX, minuteOf, tallyOf, type Counter } from '../src/domain/counter';

const NOW = new Date('2026-01-01T10:00:00Z');
const at = (minutes: number, seconds = 0) => new Date(NOW.getTime() + minutes * 60_000 + seconds * 1000);
const iso = (minutes: number, seconds = 0) => at(minutes, seconds).toISOString();
const kept = (c: Counter) => Object.values(c.seen).reduce((n, ids) => n + ids.length, 0);

/** `n` distinct events spread evenly over `minutes` of event time from `start`, counted as they arrive. */
function countMany(c: Counter | undefined, n: number, start: number, minutes: number, prefix = 'e') {
  for (let i = 0; i < n; i++) {
    const t = start + (minutes * i) / n;
    c = count(c, 'orders', `${prefix}${i}`, iso(t), at(t)) ?? c;
  }
  return c!;
}

describe('count(counter, kind, eventId, time, now)', () => {
  it('counts each event id once, by the minute of the event', () => {
    let c: Counter | undefined;
    c = count(c, 'orders', 'a', '2026-01-01T10:00:05Z', NOW);
    c = count(c, 'orders', 'b', '2026-01-01T10:01:00Z', NOW) ?? c;
    expect(count(c, 'orders', 'a', '2026-01-01T10:00:05Z', NOW)).toBeUndefined();
    expect(c).toMatchObject({ total: 2, perMinute: { '2026-01-01T10:00': 1, '2026-01-01T10:01': 1 } });
    expect(minuteOf('2026-01-01T10:00:59.999Z')).toBe('2026-01-01T10:00');
  });

  // The duplicate horizon (docs/guarantees.md section 1): a copy for every subscriber comes within 11 minutes of
  // the fact. The former window was 500 ids per shard, whatever their age: at this machine's knee about 9 minutes.
  it('knows a copy 11 minutes after its fact for a duplicate, however many events came between', () => {
    let c = count(undefined, 'orders', 'a', iso(0), at(0))!;
    c = countMany(c, IDS_KEPT_MAX - 1, 0, 11);
    expect(count(c, 'orders', 'a', iso(0), at(11))).toBeUndefined();
    expect(tallyOf(c, 'a')).toBe('counted');
    expect(DEDUPE_MINUTES).toBeGreaterThanOrEqual(11 + 5);
  });

  it('reads a backlog by the events own time: an outage of stats does not shorten the window', () => {
    // Stats was down for an hour; the backlog's events are from 10:00 to 10:12, delivered at 11:00 and after.
    let c = count(undefined, 'orders', 'a', iso(0), at(60))!;
    c = countMany(c, 500, 0, 12);
    expect(count(c, 'orders', 'a', iso(0), at(61))).toBeUndefined();
  });

  it('lets go of ids more than DEDUPE_MINUTES behind the newest event it counted', () => {
    let c = count(undefined, 'orders', 'a', iso(0), at(0))!;
    c = count(c, 'orders', 'b', iso(DEDUPE_MINUTES - 1), at(DEDUPE_MINUTES - 1))!;
    expect(tallyOf(c, 'a')).toBe('counted');
    c = count(c, 'orders', 'z', iso(DEDUPE_MINUTES + 1), at(DEDUPE_MINUTES + 1))!;
    expect(Object.keys(c.seen)).not.toContain(minuteOf(iso(0)));
    expect([tallyOf(c, 'a'), tallyOf(c, 'b'), tallyOf(c, 'never')]).toEqual(['unknown', 'counted', 'unknown']);
  });

  it('does not let an event stamped in the future push every remembered id out', () => {
    let c = count(undefined, 'orders', 'a', iso(0), at(0))!;
    c = count(c, 'orders', 'future', '2030-01-01T00:00:00.000Z', at(0))!;
    expect(count(c, 'orders', 'a', iso(0), at(1))).toBeUndefined();
  });

  it('keeps at most IDS_KEPT_MAX ids, the oldest let go first', () => {
    let c = countMany(undefined, IDS_KEPT_MAX + 10, 0, 2);
    expect(kept(c)).toBe(IDS_KEPT_MAX);
    expect(c.total).toBe(IDS_KEPT_MAX + 10);
    expect([tallyOf(c, 'e0'), tallyOf(c, 'e9'), tallyOf(c, 'e10')]).toEqual(['unknown', 'unknown', 'counted']);
    c = count(c, 'orders', 'e0', iso(2), at(2))!;
    expect(c.total).toBe(IDS_KEPT_MAX + 11);
  });

  it('tells counted, not counted, and unknown once ids were let go', () => {
    expect(tallyOf(undefined, 'a')).toBe('notCounted');
    const c = count(undefined, 'orders', 'a', iso(0), NOW);
    expect([tallyOf(c, 'a'), tallyOf(c, 'b')]).toEqual(['counted', 'notCounted']);
  });
});
