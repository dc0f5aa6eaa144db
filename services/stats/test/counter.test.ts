import { count, IDS_KEPT, minuteOf, tallyOf, type Counter } from '../src/domain/counter';

describe('count(counter, kind, eventId, time)', () => {
  it('counts each event id once, by the minute of the event', () => {
    let c: Counter | undefined;
    c = count(c, 'orders', 'a', '2026-01-01T10:00:05Z');
    c = count(c, 'orders', 'b', '2026-01-01T10:01:00Z') ?? c;
    expect(count(c, 'orders', 'a', '2026-01-01T10:00:05Z')).toBeUndefined();
    expect(c).toMatchObject({ total: 2, perMinute: { '2026-01-01T10:00': 1, '2026-01-01T10:01': 1 } });
  });

  it('remembers a bounded number of ids', () => {
    let c: Counter | undefined;
    for (let i = 0; i < IDS_KEPT + 10; i++) c = count(c, 'orders', `e${i}`, '2026-01-01T10:00:00Z');
    expect(c!.recentIds).toHaveLength(IDS_KEPT);
    expect(c!.total).toBe(IDS_KEPT + 10);
    expect(minuteOf('2026-01-01T10:00:59.999Z')).toBe('2026-01-01T10:00');
  });

  it('tells counted, not counted, and unknown once ids were let go', () => {
    let c: Counter | undefined;
    expect(tallyOf(c, 'a')).toBe('notCounted');
    c = count(c, 'orders', 'a', '2026-01-01T10:00:00Z');
    expect([tallyOf(c, 'a'), tallyOf(c, 'b')]).toEqual(['counted', 'notCounted']);
    for (let i = 0; i < IDS_KEPT; i++) c = count(c, 'orders', `e${i}`, '2026-01-01T10:00:00Z');
    // 'a' was evicted: absence no longer proves anything.
    expect([tallyOf(c, 'a'), tallyOf(c, 'b'), tallyOf(c, 'e0')]).toEqual(['unknown', 'unknown', 'counted']);
  });
});
