// The state primitive every consumer relies on, against real daprd and Redis: no lost update, first write wins.
import { connectDapr, StateConflictError, updateState } from '@lab/kit';
import type { LocalSystem } from '@lab/runtime';
import { startSystem } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem({ services: ['gateway'] });
});

afterAll(async () => {
  await system?.stop();
});

/** A client of gateway's daprd; `recallBytes` > 0 gives its store a memory of what it wrote (kit's recall.ts). */
const dapr = (recallBytes = 0) =>
  connectDapr({
    daprHost: '127.0.0.1',
    daprHttpPort: system.service('gateway').ports.daprHttp,
    daprApiToken: system.daprApiToken,
    pubsubName: 'pubsub',
    stateStore: 'statestore',
    stateRecallBytes: recallBytes,
  });

describe('updateState through daprd', () => {
  it('50 concurrent read-modify-writes of one key lose no update', async () => {
    const d = dapr();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        updateState<number[]>(d.state, 'race', cur => [...(cur ?? []), i], { maxAttempts: 200 }),
      ),
    );
    const final = await d.state.get<number[]>('race');
    expect(final?.value.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a write with a stale etag is refused', async () => {
    const d = dapr();
    await d.state.put('stale', { v: 1 });
    const first = await d.state.get<{ v: number }>('stale');
    await d.state.put('stale', { v: 2 }, { etag: first!.etag });
    await expect(d.state.put('stale', { v: 3 }, { etag: first!.etag })).rejects.toBeInstanceOf(StateConflictError);
    expect((await d.state.get<{ v: number }>('stale'))?.value).toEqual({ v: 2 });
  });

  it('onlyIfAbsent: the first write wins, the second is a conflict', async () => {
    const d = dapr();
    await d.state.put('once', 'a', { onlyIfAbsent: true });
    await expect(d.state.put('once', 'b', { onlyIfAbsent: true })).rejects.toBeInstanceOf(StateConflictError);
    expect((await d.state.get<string>('once'))?.value).toBe('a');
  });
});

describe('a store that recalls what it wrote (STATE_RECALL_BYTES)', () => {
  const recalling = () => dapr(1 << 20);

  it('works out the etag the Redis store gives each write: what it recalls is what a fresh read answers', async () => {
    const d = recalling();
    await updateState<{ n: number }>(d.state, 'recall-counted', () => ({ n: 1 }));
    expect(d.state.recall!('recall-counted')).toEqual(await dapr().state.get('recall-counted'));
    for (let i = 0; i < 3; i++) await updateState<{ n: number }>(d.state, 'recall-counted', c => ({ n: c!.n + 1 }));
    const fresh = await dapr().state.get<{ n: number }>('recall-counted');
    expect(fresh?.value).toEqual({ n: 4 });
    expect(d.state.recall!('recall-counted')).toEqual(fresh);
  });

  it('an update from an entry another process has written since is refused, read afresh, and loses neither write', async () => {
    const [a, b] = [recalling(), dapr()];
    await updateState<string[]>(a.state, 'recall-raced', cur => [...(cur ?? []), 'a1']);
    await updateState<string[]>(b.state, 'recall-raced', cur => [...(cur ?? []), 'b1']);
    const stale = a.state.recall!<string[]>('recall-raced');
    expect(stale?.value).toEqual(['a1']); // what a remembers is behind the store now
    await updateState<string[]>(a.state, 'recall-raced', cur => [...(cur ?? []), 'a2']);
    expect((await b.state.get<string[]>('recall-raced'))?.value).toEqual(['a1', 'b1', 'a2']);
  });

  it('50 concurrent read-modify-writes through two recalling clients lose no update', async () => {
    const clients = [recalling(), recalling()];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        updateState<number[]>(clients[i % 2]!.state, 'recall-race', cur => [...(cur ?? []), i], { maxAttempts: 200 }),
      ),
    );
    const final = await dapr().state.get<number[]>('recall-race');
    expect(final?.value.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
