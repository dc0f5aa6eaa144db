// Keys daprd cannot store: refused before any call, daprd's own refusal mapped, and dead-lettered at once.
import request from 'supertest';
import { buildEvent, DeadLettered, OrderCreated } from '@lab/contracts';
import {
  createHttpShell,
  mapBounded,
  mountSubscriptions,
  NO_FAULTS,
  on,
  silentLogger,
  StateKeyError,
  withKeyChecks,
  type StateStore,
} from '../src';
import { memoryDapr } from '../src/testing';

describe('withKeyChecks', () => {
  const refusing: StateStore = {
    get: async () => {
      throw new Error(`state get of "a" failed: HTTP 400 {"errorCode":"ERR_MALFORMED_REQUEST"}`);
    },
    getMany: async () => new Map(),
    getEntries: async () => new Map(),
    put: async () => {
      throw new Error('state save failed: input key/keyPrefix can\'t contain "||"');
    },
    delete: async () => {
      throw new Error('state delete failed: HTTP 500 boom');
    },
  };

  it('refuses a key with || before calling the store', async () => {
    const dapr = memoryDapr();
    const store = withKeyChecks(dapr.state);
    await expect(store.put('order:x||y', 1)).rejects.toBeInstanceOf(StateKeyError);
    await expect(store.get('order:x||y')).rejects.toMatchObject({ status: 400, code: 'invalid_key' });
    await expect(store.getMany(['a', 'b||c'])).rejects.toBeInstanceOf(StateKeyError);
    expect(dapr.state.keys()).toEqual([]);
  });

  it("maps daprd's key refusals to StateKeyError, and leaves other failures alone", async () => {
    const store = withKeyChecks(refusing);
    await expect(store.get('a')).rejects.toBeInstanceOf(StateKeyError);
    await expect(store.put('a', 1)).rejects.toBeInstanceOf(StateKeyError);
    await expect(store.delete('a')).rejects.not.toBeInstanceOf(StateKeyError);
  });
});

describe('a handler that meets a key the store refuses', () => {
  it('is dead-lettered at once with the reason, not answered 500 for a retry', async () => {
    const dapr = memoryDapr();
    const shell = createHttpShell({
      config: { service: 't', adminToken: undefined, appApiToken: undefined, faults: NO_FAULTS },
      log: silentLogger(),
      ready: async () => true,
    });
    mountSubscriptions(shell.router, {
      pubsubName: 'pubsub',
      service: 't',
      appApiToken: undefined,
      log: silentLogger(),
      deadLetters: { bus: dapr.bus, service: 't' },
      subscriptions: [on(OrderCreated, async e => void (await dapr.state.put(`x:${e.data.customerId}||`, 1)))],
    });
    const app = shell.finish().callback();
    const event = buildEvent(
      OrderCreated,
      {
        orderId: 'o-1',
        customerId: 'c-1',
        items: [{ sku: 'a', quantity: 1, unitPrice: 1 }],
        totalAmount: 1,
        createdAt: new Date().toISOString(),
      },
      { source: 'order' },
    );
    const res = await request(app)
      .post('/events/order-created')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('SUCCESS');
    const [dl] = dapr.bus.of(DeadLettered.topic);
    expect(dl?.data).toMatchObject({ topic: 'order-created', service: 't' });
    expect((dl?.data as { reason: string }).reason).toMatch(/refuses the key/);
  });
});

describe('mapBounded', () => {
  it('keeps the order, never exceeds the bound, and fails as a whole', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async n => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise(r => setImmediate(r));
      inFlight -= 1;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(most).toBe(3);
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4], 1, async n => {
        started.push(n);
        if (n === 2) throw new Error('read failed');
        return n;
      }),
    ).rejects.toThrow('read failed');
    expect(started).toEqual([1, 2]);
    expect(await mapBounded([], 4, async n => n)).toEqual([]);
  });
});
