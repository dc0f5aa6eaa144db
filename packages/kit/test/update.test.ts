// updateState, the read-modify-write every consumer is built on: first write wins, a conflict is retried on a
// fresh read, "nothing to do" writes nothing; and the two helpers that keep state bounded and spread.
import { capped, shardOf, StateConflictError, updateEach, updateState, type StateStore } from '@lab/kit';
import { MemoryState, racingStore } from '@lab/kit/testing';

/** A store whose next `n` writes lose a race: someone else writes `theirs` first. */
const racing = (n: number, theirs: (cur: number | undefined) => number) => racingStore<number>(n, theirs);

describe('updateState', () => {
  it('writes a new key only if nobody wrote it first, and an existing one only at the etag it read', async () => {
    const s = new MemoryState();
    expect(await updateState<number>(s, 'k', cur => (cur ?? 0) + 1)).toEqual({ value: 1, changed: true });
    expect(await updateState<number>(s, 'k', cur => (cur ?? 0) + 1)).toEqual({ value: 2, changed: true });
  });

  it('applies the mutation again to what the winner wrote after a lost race (no lost update)', async () => {
    const { store, inner } = racing(2, cur => (cur ?? 0) + 10);
    const calls: (number | undefined)[] = [];
    const r = await updateState<number>(store, 'k', cur => {
      calls.push(cur);
      return (cur ?? 0) + 1;
    });
    expect(calls).toEqual([undefined, 10, 20]);
    expect(r).toEqual({ value: 21, changed: true });
    expect((await inner.get<number>('k'))?.value).toBe(21);
  });

  it('writes nothing when the mutation says there is nothing to do (the inbox check)', async () => {
    const { store, puts } = racing(0, () => 0);
    await updateState<number>(store, 'k', () => 5);
    expect(await updateState<number>(store, 'k', cur => (cur === 5 ? undefined : 6))).toEqual({
      value: 5,
      changed: false,
    });
    expect(puts).toEqual([5]);
  });

  it('gives up with the conflict after maxAttempts lost races', async () => {
    const { store } = racing(100, cur => (cur ?? 0) + 1);
    await expect(updateState<number>(store, 'k', cur => (cur ?? 0) + 1, { maxAttempts: 3 })).rejects.toBeInstanceOf(
      StateConflictError,
    );
  });

  it('starts from an entry the caller already read, and reads afresh after a lost race', async () => {
    const { store, inner } = racing(1, cur => (cur ?? 0) + 10);
    await inner.put('k', 1);
    let reads = 0;
    const counting: StateStore = { ...store, get: k => ((reads += 1), store.get(k)) };
    const entry = await inner.get<number>('k');
    const calls: (number | undefined)[] = [];
    const r = await updateState<number>(
      counting,
      'k',
      cur => {
        calls.push(cur);
        return (cur ?? 0) + 1;
      },
      { read: { entry } },
    );
    // The first attempt used the entry given (no read); the racer's write made its etag stale, so one fresh read.
    expect({ calls, reads, r }).toEqual({ calls: [1, 11], reads: 1, r: { value: 12, changed: true } });
  });

  it('takes "absent" from the caller too, and a first write that lost is retried on what won', async () => {
    const { store, inner } = racing(1, () => 7);
    const r = await updateState<number>(store, 'k', cur => (cur === undefined ? 1 : undefined), {
      read: { entry: undefined },
    });
    expect(r).toEqual({ value: 7, changed: false });
    expect((await inner.get<number>('k'))?.value).toBe(7);
  });

  it('starts from the entry the store recalls, and a stale one costs one refused write and a fresh read', async () => {
    const inner = new MemoryState();
    await inner.put('k', 1);
    const remembered = await inner.get<number>('k');
    await inner.put('k', 5, { etag: remembered!.etag }); // another process wrote since
    let reads = 0;
    const recalling: StateStore = {
      get: k => ((reads += 1), inner.get(k)),
      getMany: k => inner.getMany(k),
      getEntries: k => inner.getEntries(k),
      delete: k => inner.delete(k),
      put: (k, v, o) => inner.put(k, v, o),
      recall: <T>() => remembered as { value: T; etag: string },
    };
    const seen: number[] = [];
    const r = await updateState<number>(recalling, 'k', cur => (seen.push(cur!), cur! + 1));
    expect({ seen, reads, r }).toEqual({ seen: [1, 5], reads: 1, r: { value: 6, changed: true } });
    // Recalled and current: no read at all.
    const fresh = await inner.get<number>('k');
    reads = 0;
    const r2 = await updateState<number>(
      { ...recalling, recall: <T>() => fresh as { value: T; etag: string } },
      'k',
      cur => cur! + 1,
    );
    expect({ reads, r2 }).toEqual({ reads: 0, r2: { value: 7, changed: true } });
  });

  it('does not retry a failure that is not a conflict', async () => {
    let reads = 0;
    const store = new MemoryState();
    const failing: StateStore = {
      ...store,
      get: async k => {
        reads += 1;
        return store.get(k);
      },
      getMany: k => store.getMany(k),
      getEntries: k => store.getEntries(k),
      delete: k => store.delete(k),
      put: async () => {
        throw new Error('sidecar down');
      },
    };
    await expect(updateState<number>(failing, 'k', () => 1)).rejects.toThrow('sidecar down');
    expect(reads).toBe(1);
  });
});

describe('capped and shardOf', () => {
  it('capped keeps the newest items', () => {
    expect(capped([1, 2, 3, 4], 2)).toEqual([3, 4]);
    expect(capped([1, 2], 5)).toEqual([1, 2]);
  });

  it('shardOf is stable, in range and spreads ids', () => {
    const ids = Array.from({ length: 800 }, (_, i) => `order-${i}`);
    const shards = ids.map(id => shardOf(id, 8));
    expect(ids.map(id => shardOf(id, 8))).toEqual(shards);
    expect(shards.every(s => Number.isInteger(s) && s >= 0 && s < 8)).toBe(true);
    const counts = Array.from({ length: 8 }, (_, s) => shards.filter(x => x === s).length);
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});

describe('updateEach', () => {
  /** Counts the store's calls by kind. */
  function counted(store: StateStore) {
    const calls = { get: 0, getEntries: 0, put: 0 };
    const s: StateStore = {
      ...store,
      get: k => ((calls.get += 1), store.get(k)),
      getMany: k => store.getMany(k),
      getEntries: k => ((calls.getEntries += 1), store.getEntries(k)),
      put: (k, v, o) => ((calls.put += 1), store.put(k, v, o)),
      delete: k => store.delete(k),
    };
    return { s, calls };
  }

  it('reads every key in one call, then writes each under its own etag (absent ones first-write)', async () => {
    const inner = new MemoryState();
    await inner.put('a', 1);
    const { s, calls } = counted(inner);
    const r = await updateEach(s, [
      { key: 'a', mutate: cur => (cur as number) + 1 },
      { key: 'b', mutate: cur => (cur === undefined ? 10 : undefined) },
      { key: 'c', mutate: () => undefined },
    ]);
    expect(r.map(x => x.changed)).toEqual([true, true, false]);
    expect(calls).toEqual({ get: 0, getEntries: 1, put: 2 });
    expect([(await inner.get('a'))?.value, (await inner.get('b'))?.value, await inner.get('c')]).toEqual([
      2,
      10,
      undefined,
    ]);
  });

  it('retries a key that lost a race alone, on a fresh read of that key', async () => {
    const { store, inner } = racing(1, cur => (cur ?? 0) + 100);
    await inner.put('b', 5);
    const { s, calls } = counted(store);
    const r = await updateEach(s, [
      { key: 'a', mutate: cur => ((cur as number | undefined) ?? 0) + 1 },
      { key: 'b', mutate: cur => (cur as number) + 1 },
    ]);
    // 'a' lost to the racer's write of 100, was read again and became 101; 'b' went through on the bulk read.
    expect(r.map(x => x.value)).toEqual([101, 6]);
    expect(calls.get).toBe(1);
  });

  it('refuses a key given twice (two mutations of one key would each start from the same read)', async () => {
    await expect(
      updateEach(new MemoryState(), [
        { key: 'a', mutate: () => 1 },
        { key: 'a', mutate: () => 2 },
      ]),
    ).rejects.toThrow('each key once');
  });
});
