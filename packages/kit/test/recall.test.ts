// The memory of written entries (recall.ts): the etag a write leaves worked out as the Redis store counts it, the
// newer version kept when answers cross, anything uncertain forgotten, and the room bounded by bytes.
import { entryMemory } from '../src/recall';

describe('entryMemory', () => {
  it('recalls a write at the etag the store then has: one more than the etag written at, 1 for a first write', () => {
    const m = entryMemory(1024);
    m.wrote('a', '{"n":1}', { etag: '41' });
    m.wrote('b', '[1]', {});
    expect(m.recall('a')).toEqual({ value: { n: 1 }, etag: '42' });
    expect(m.recall('b')).toEqual({ value: [1], etag: '1' });
  });

  it('hands out a fresh copy each time, so no caller changes what the next one recalls', () => {
    const m = entryMemory(1024);
    m.read('a', '{"list":[1]}', '3');
    (m.recall('a')!.value as { list: number[] }).list.push(2);
    expect(m.recall('a')!.value).toEqual({ list: [1] });
  });

  it('forgets a write with no condition, a write at an etag that is no counter, and never guesses for them', () => {
    const m = entryMemory(1024);
    m.read('a', '1', '7');
    m.wrote('a', '2', { plain: true });
    m.wrote('b', '2', { etag: 'W/"abc"' });
    expect(m.recall('a')).toBeUndefined();
    expect(m.recall('b')).toBeUndefined();
  });

  it('keeps the newer of two versions when answers arrive out of order', () => {
    const m = entryMemory(1024);
    m.wrote('a', '"newer"', { etag: '9' });
    m.read('a', '"older"', '5');
    expect(m.recall('a')).toEqual({ value: 'newer', etag: '10' });
  });

  it('forgets after a refusal only the entry that was refused (a newer one another update left stays)', () => {
    const m = entryMemory(1024);
    m.read('a', '"x"', '4');
    m.forget('a', '3');
    expect(m.recall('a')?.etag).toBe('4');
    m.forget('a', '4');
    expect(m.recall('a')).toBeUndefined();
    m.read('a', '"x"', '4');
    m.forget('a');
    expect(m.recall('a')).toBeUndefined();
  });

  it('holds at most its bytes, letting the least recently recalled go first; 0 holds nothing', () => {
    const m = entryMemory(40);
    m.read('a', '"aaaaaaaa"', '1');
    m.read('b', '"bbbbbbbb"', '1');
    m.read('c', '"cccccccc"', '1');
    m.recall('a');
    m.read('d', '"dddddddd"', '1');
    m.read('e', '"eeeeeeee"', '1');
    expect(m.bytes).toBeLessThanOrEqual(40);
    expect(m.recall('a')).toBeDefined();
    expect(m.recall('b')).toBeUndefined();
    const none = entryMemory(0);
    none.read('a', '1', '1');
    expect(none.recall('a')).toBeUndefined();
    expect(none.bytes).toBe(0);
  });

  it('never keeps an entry larger than a quarter of its room (one inbox must not push out every counter)', () => {
    const m = entryMemory(40);
    m.read('big', `"${'x'.repeat(20)}"`, '1');
    expect(m.recall('big')).toBeUndefined();
  });
});
