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

const dapr = () =>
  connectDapr({
    daprHost: '127.0.0.1',
    daprHttpPort: system.service('gateway').ports.daprHttp,
    daprApiToken: system.daprApiToken,
    pubsubName: 'pubsub',
    stateStore: 'statestore',
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
