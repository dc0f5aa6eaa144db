import { count, IDS_KEPT, minuteOf, type Counter } from '../src/domain/counter';

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
});
