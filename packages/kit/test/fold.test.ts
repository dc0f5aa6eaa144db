// onState's fold: a batch's effects read once and written once per key, the same values as one event at a time, and
// every event answered on its own (a failing key fails only the events that touch it, a bad key only its own event).
import request from 'supertest';
import { buildEvent, DeadLettered, UserRegistered } from '@lab/contracts';
import {
  applyEffects,
  defineService,
  loadServiceConfig,
  metricsRegistry as registry,
  onState,
  resetMetrics,
  type StateEffect,
  type StateStore,
} from '@lab/kit';
import { deliver, deliverBulk, memoryDapr, MemoryState, racingStore, silentLogger } from '@lab/kit/testing';

/** The memory store, with every call through it counted and the writes of `failing` keys refused. */
function counted(inner: StateStore = new MemoryState(), failing = new Set<string>()) {
  const calls = { get: 0, bulk: 0, put: 0 };
  const store: StateStore = {
    get: k => (calls.get++, inner.get(k)),
    getMany: k => (calls.bulk++, inner.getMany(k)),
    getEntries: k => (calls.bulk++, inner.getEntries(k)),
    delete: k => inner.delete(k),
    put: async (k, v, o) => {
      calls.put++;
      if (failing.has(k)) throw new Error(`state store timed out writing ${k}`);
      await inner.put(k, v, o);
    },
  };
  return { store, calls, inner };
}

/** An effect that appends `id` to the list at `key`, once. */
const appendTo = (key: string, id: string): StateEffect => ({
  updates: [
    {
      key,
      mutate: cur => ((cur as string[] | undefined)?.includes(id) ? undefined : [...((cur as string[]) ?? []), id]),
    },
  ],
});

describe('applyEffects', () => {
  it('reads every key of a batch in one call and writes each key once, in the order of the events', async () => {
    const { store, calls, inner } = counted();
    const out = await applyEffects(store, [
      appendTo('a', '1'),
      appendTo('b', '2'),
      appendTo('a', '3'),
      appendTo('a', '4'),
    ]);
    expect(out).toEqual([{ duplicate: false }, { duplicate: false }, { duplicate: false }, { duplicate: false }]);
    expect(calls).toEqual({ get: 0, bulk: 1, put: 2 });
    expect((await inner.get('a'))?.value).toEqual(['1', '3', '4']);
    expect((await inner.get('b'))?.value).toEqual(['2']);
  });

  it('leaves what one event at a time leaves, and calls an event already applied a duplicate', async () => {
    const { store, calls, inner } = counted();
    await applyEffects(store, [appendTo('a', '1')]);
    expect(calls).toEqual({ get: 1, bulk: 0, put: 1 }); // one key alone: a plain read
    const out = await applyEffects(store, [appendTo('a', '1'), appendTo('a', '2'), appendTo('a', '2')]);
    expect(out.map(o => o.duplicate)).toEqual([true, false, true]);
    expect((await inner.get('a'))?.value).toEqual(['1', '2']);
  });

  it('writes nothing for an event its inbox holds, and reports the rest applied', async () => {
    const { store, calls, inner } = counted();
    await inner.put('inbox', ['seen']);
    const applied: string[] = [];
    const effect = (id: string): StateEffect => ({
      inbox: { key: 'inbox', holds: v => (v as string[]).includes(id) },
      updates: [appendTo('log', id).updates[0]],
      after: wrote => void (wrote && applied.push(id)),
    });
    const out = await applyEffects(store, [effect('seen'), effect('new')]);
    expect(out.map(o => o.duplicate)).toEqual([true, false]);
    expect((await inner.get('log'))?.value).toEqual(['new']);
    expect(applied).toEqual(['new']);
    expect(calls.bulk).toBe(1);
  });

  it('fails only the events that touch a key it cannot write, and never writes their later steps', async () => {
    const { store, inner } = counted(new MemoryState(), new Set(['shard:1']));
    const twoSteps = (shard: string, id: string): StateEffect => ({
      updates: [appendTo(shard, id).updates[0], appendTo('subject', id).updates[0]],
    });
    const out = await applyEffects(store, [
      twoSteps('shard:0', 'x'),
      twoSteps('shard:1', 'y'),
      twoSteps('shard:0', 'z'),
    ]);
    expect(out.map(o => o.error !== undefined)).toEqual([false, true, false]);
    expect(String(out[1].error)).toMatch(/shard:1/);
    expect((await inner.get('shard:0'))?.value).toEqual(['x', 'z']);
    expect((await inner.get('subject'))?.value).toEqual(['x', 'z']); // y's second step waits for its first
  });

  it('fails only the event whose mutation throws; the others on its key are written', async () => {
    const { store, inner } = counted();
    const poison: StateEffect = {
      updates: [
        {
          key: 'a',
          mutate: () => {
            throw new Error('this event can never apply');
          },
        },
      ],
    };
    const out = await applyEffects(store, [appendTo('a', '1'), poison, appendTo('a', '2')]);
    expect(out.map(o => (o.error as Error | undefined)?.message)).toEqual([
      undefined,
      'this event can never apply',
      undefined,
    ]);
    expect((await inner.get('a'))?.value).toEqual(['1', '2']);
  });

  it("re-runs a key's composed mutations on what won a race, losing neither side", async () => {
    const { store, inner } = racingStore<string[]>(1, cur => [...(cur ?? []), 'theirs']);
    await applyEffects(store, [appendTo('a', '1'), appendTo('a', '2')]);
    expect((await inner.get('a'))?.value).toEqual(['theirs', '1', '2']);
  });
});

describe('a subscription declared with onState', () => {
  const bulkEnv = { APP_API_TOKEN: 'app', BULK_MAX_MESSAGES: '50' };
  /** A sign-up; the probe keys its list by the name, which may hold what no state key can ('||'). */
  const signup = (id: string, name = 'u-1') =>
    buildEvent(
      UserRegistered,
      { userId: `user-${id}`, email: 'n@example.com', name, registeredAt: '2026-12-08T00:00:00.000Z' },
      { source: 'user', id },
    );

  function setup(failing = new Set<string>()) {
    resetMetrics();
    const dapr = memoryDapr();
    const { store, calls, inner } = counted(dapr.state, failing);
    const config = loadServiceConfig(bulkEnv, 'probe', 3999);
    const app = defineService(
      { config, log: silentLogger(), dapr },
      { subscriptions: [onState(UserRegistered, store, e => appendTo(`users:${e.data.name}`, e.id))] },
    );
    return { server: app.callback(), calls, inner, dapr };
  }
  const handled = async (outcome: string) =>
    (await registry.getSingleMetricAsString('eda_events_handled_total'))
      .split('\n')
      .filter(l => l.includes(`outcome="${outcome}"`))
      .map(l => Number(l.split(' ').pop()))
      .reduce((a, b) => a + b, 0);

  it('folds a bulk delivery: one read, one write per key, one status per entry', async () => {
    const { server, calls, inner } = setup();
    const batch = [signup('a'), signup('b'), signup('c', 'u-2'), signup('a')];
    const res = await deliverBulk(server, UserRegistered, batch, { appToken: 'app' }).expect(200);
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(calls).toEqual({ get: 0, bulk: 1, put: 2 });
    expect((await inner.get('users:u-1'))?.value).toEqual(['a', 'b']);
    expect(await handled('success')).toBe(3);
    expect(await handled('duplicate')).toBe(1);
  });

  it('asks again only for the entries whose key failed, and sets aside one whose key the store refuses', async () => {
    const { server, inner, dapr } = setup(new Set(['users:u-2']));
    const batch = [signup('a'), signup('b', 'u-2'), signup('c', 'u||3')];
    const res = await deliverBulk(server, UserRegistered, batch, { appToken: 'app' }).expect(200);
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'RETRY', 'SUCCESS']);
    expect((await inner.get('users:u-1'))?.value).toEqual(['a']);
    const letters = dapr.bus.of(DeadLettered.topic);
    expect(letters.map(l => (l.data as { original: { id: string } }).original.id)).toEqual(['c']);
  });

  it('takes one event delivered alone the same way, its duplicate counted as one', async () => {
    const { server, inner } = setup();
    await deliver(server, UserRegistered, signup('a'), { appToken: 'app' }).expect(200);
    await deliver(server, UserRegistered, signup('a'), { appToken: 'app' }).expect(200);
    expect((await inner.get('users:u-1'))?.value).toEqual(['a']);
    expect(await handled('success')).toBe(1);
    expect(await handled('duplicate')).toBe(1);
  });

  it('is unreachable without the app token', async () => {
    const { server, inner } = setup();
    await deliverBulk(server, UserRegistered, [signup('a')]).expect(401);
    await request(server).get('/dapr/subscribe').expect(401);
    expect(inner.keys()).toEqual([]);
  });
});
