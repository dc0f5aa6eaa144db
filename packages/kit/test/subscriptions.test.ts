// kit's delivery path on its own: what daprd is told to subscribe, and how each answer follows Dapr's contract
// (SUCCESS, DROP, or a 500 to retry), with rejected events set aside on the dead-letter topic with their reason.
import request from 'supertest';
import { addressed, buildEvent, DeadLettered, OrderCreated, UserRegistered } from '@lab/contracts';
import {
  defineService,
  loadServiceConfig,
  on,
  metricsRegistry as registry,
  PermanentEventError,
  resetMetrics,
  StateKeyError,
} from '@lab/kit';
import { deliver, deliverBulk, memoryDapr, silentLogger } from '@lab/kit/testing';

const created = (id = 'e-1') =>
  buildEvent(
    OrderCreated,
    {
      orderId: 'o-1',
      customerId: 'c-1',
      items: [{ sku: 'a', quantity: 1, unitPrice: 10 }],
      totalAmount: 10,
      createdAt: '2026-12-03T00:00:00.000Z',
    },
    { source: 'order', id },
  );

function setup(handle: (e: unknown, traceparent: string | undefined) => Promise<void>, env = {}) {
  const dapr = memoryDapr();
  const deps = {
    config: loadServiceConfig({ APP_API_TOKEN: 'app', ...env }, 'probe', 3999),
    log: silentLogger(),
    dapr,
  };
  const seen: unknown[] = [];
  const audiences: unknown[] = [];
  const app = defineService(deps, {
    subscriptions: [
      on(OrderCreated, async (e, ctx) => {
        seen.push(e);
        audiences.push(ctx.audience);
        await handle(e, ctx.traceparent);
      }),
    ],
    raw: [{ topic: DeadLettered.topic, handle: async body => void seen.push(body) }],
  });
  return { server: app.callback(), dapr, seen, audiences };
}

const ok = async () => {};

describe('GET /dapr/subscribe', () => {
  it("lists each contract on its own route with the service's own forwarding topic, raw channels without one", async () => {
    const { server } = setup(ok);
    const res = await request(server).get('/dapr/subscribe').set('dapr-api-token', 'app').expect(200);
    expect(res.body).toEqual([
      {
        pubsubname: 'pubsub',
        topic: 'order-created',
        route: '/events/order-created',
        deadLetterTopic: 'dead-letters-probe',
      },
      { pubsubname: 'pubsub', topic: 'dead-letters', route: '/events/dead-letters' },
    ]);
  });

  it('answers only the sidecar: no token or a wrong one is 401', async () => {
    const { server } = setup(ok);
    await request(server).get('/dapr/subscribe').expect(401);
    await request(server).get('/dapr/subscribe').set('dapr-api-token', 'nope').expect(401);
  });

  it('refuses two handlers for one topic when the app is built, not at the first delivery', () => {
    const deps = { config: loadServiceConfig({}, 'probe', 3999), log: silentLogger(), dapr: memoryDapr() };
    const twice = [on(OrderCreated, ok), on(OrderCreated, ok)];
    expect(() => defineService(deps, { subscriptions: twice })).toThrow(/two handlers for topic order-created/);
  });
});

describe('a delivery', () => {
  it('is SUCCESS once the handler resolves, with the parsed event and the trace daprd forwarded', async () => {
    const { server, seen } = setup(ok);
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await deliver(server, OrderCreated, created(), { appToken: 'app' }).set('traceparent', tp).expect(200);
    expect(res.body).toEqual({ status: 'SUCCESS' });
    expect(seen).toEqual([expect.objectContaining({ id: 'e-1', data: expect.objectContaining({ orderId: 'o-1' }) })]);
  });

  it('is a 500 (retried by the resiliency policy) when the handler fails for a reason that may pass', async () => {
    const { server, dapr } = setup(async () => {
      throw new Error('state store timed out');
    });
    const res = await deliver(server, OrderCreated, created(), { appToken: 'app' }).expect(500);
    expect(res.body).toEqual({ status: 'RETRY', reason: 'transient failure' });
    expect(dapr.bus.published).toEqual([]);
  });

  it.each([
    ['an invalid event', {}, 'invalid', /orderId|data|id/],
    ['a PermanentEventError', new PermanentEventError('total is not the sum'), 'permanent', /total is not the sum/],
    ['a key the store refuses', new StateKeyError('order:a||b', 'it contains ||'), 'key', /a\|\|b/],
  ])('sets %s aside as DeadLettered with its reason, answering SUCCESS', async (_what, failure, _class, reason) => {
    const { server, dapr, seen } = setup(async () => {
      throw failure;
    });
    const body = failure instanceof Error ? created() : { ...created(), data: failure };
    const res = await deliver(server, OrderCreated, body, { appToken: 'app' }).expect(200);
    expect(res.body).toMatchObject({ status: 'SUCCESS', deadLettered: expect.stringMatching(reason) });
    const letters = dapr.bus.of(DeadLettered.topic);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.data).toMatchObject({ topic: 'order-created', service: 'probe', original: body });
    // The handler ran only for an event that parsed.
    expect(seen).toHaveLength(failure instanceof Error ? 1 : 0);
  });

  it('is DROP (daprd forwards it to the dead-letter topic as it is) when even DeadLettered cannot be published', async () => {
    const { server, dapr } = setup(async () => {
      throw new PermanentEventError('never');
    });
    dapr.bus.failNext = 1;
    const res = await deliver(server, OrderCreated, created(), { appToken: 'app' }).expect(200);
    expect(res.body).toEqual({ status: 'DROP', reason: 'never' });
  });

  it('of a contract to the wrong route is dead-lettered as invalid, never handled', async () => {
    const { server, seen, dapr } = setup(ok);
    const signUp = buildEvent(
      UserRegistered,
      { userId: 'u-1', email: 'a@b.cd', name: 'A', registeredAt: '2026-12-03T00:00:00.000Z' },
      { source: 'user' },
    );
    await deliver(server, OrderCreated, signUp, { appToken: 'app' }).expect(200);
    expect(seen).toEqual([]);
    expect(dapr.bus.of(DeadLettered.topic)).toHaveLength(1);
  });

  it('needs the app token like every sidecar route', async () => {
    const { server, seen } = setup(ok);
    await deliver(server, OrderCreated, created()).expect(401);
    expect(seen).toEqual([]);
  });
});

describe('an addressed copy (issue 13, class 5)', () => {
  const handledAs = async (outcome: string) =>
    (await registry.getSingleMetric('eda_events_handled_total')!.get()).values.find(v => v.labels.outcome === outcome)
      ?.value ?? 0;
  beforeEach(() => resetMetrics());

  it('for other consumers is acknowledged unhandled, counted as not_addressed', async () => {
    const { server, seen, dapr } = setup(ok);
    const copy = addressed(created(), ['order', 'payment']);
    const res = await deliver(server, OrderCreated, copy, { appToken: 'app' }).expect(200);
    expect(res.body).toEqual({ status: 'SUCCESS', addressedTo: 'order,payment' });
    expect(seen).toEqual([]);
    expect(dapr.bus.published).toEqual([]);
    expect(await handledAs('not_addressed')).toBe(1);
    expect(await handledAs('success')).toBe(0);
  });

  it('for this consumer is handled, and the handler is told its audience; a plain event has none', async () => {
    const { server, seen, audiences } = setup(ok);
    await deliver(server, OrderCreated, addressed(created('e-1'), ['probe', 'order']), { appToken: 'app' }).expect(200);
    await deliver(server, OrderCreated, created('e-2'), { appToken: 'app' }).expect(200);
    expect(seen).toHaveLength(2);
    expect(audiences).toEqual([['probe', 'order'], undefined]);
    expect(await handledAs('success')).toBe(2);
  });

  it('with a malformed audience is dead-lettered as invalid, never handled', async () => {
    const { server, seen, dapr } = setup(ok);
    const res = await deliver(server, OrderCreated, { ...created(), addressedto: 'probe;rm' }, { appToken: 'app' });
    expect(res.body).toMatchObject({ status: 'SUCCESS', deadLettered: expect.stringMatching(/addressedto/) });
    expect(seen).toEqual([]);
    expect(dapr.bus.of(DeadLettered.topic)).toHaveLength(1);
  });

  it('in a batch: only the entries addressed to this consumer are handled, every entry is acknowledged', async () => {
    const { server, seen } = setup(ok, { BULK_MAX_MESSAGES: '10' });
    const res = await deliverBulk(
      server,
      OrderCreated,
      [created('e-1'), addressed(created('e-2'), ['delivery']), addressed(created('e-3'), ['probe'])],
      { appToken: 'app' },
    ).expect(200);
    expect(res.body.statuses.map((x: { status: string }) => x.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(seen.map(e => (e as { id: string }).id)).toEqual(['e-1', 'e-3']);
  });
});

describe('bulk subscribe', () => {
  const bulkEnv = { BULK_MAX_MESSAGES: '50', BULK_MAX_AWAIT_MS: '20' };
  const forOrder = (orderId: string, id: string) => ({
    ...created(id),
    subject: orderId,
    data: { ...created(id).data, orderId },
  });

  it('is asked of daprd for each contract subscription when configured, never for a raw channel', async () => {
    const { server } = setup(ok, bulkEnv);
    const res = await request(server).get('/dapr/subscribe').set('dapr-api-token', 'app').expect(200);
    expect(res.body).toEqual([
      {
        pubsubname: 'pubsub',
        topic: 'order-created',
        route: '/events/order-created',
        deadLetterTopic: 'dead-letters-probe',
        bulkSubscribe: { enabled: true, maxMessagesCount: 50, maxAwaitDurationMs: 20 },
      },
      { pubsubname: 'pubsub', topic: 'dead-letters', route: '/events/dead-letters' },
    ]);
  });

  it('refuses a batch size outside 0..1000 when the config is read', () => {
    expect(() => loadServiceConfig({ BULK_MAX_MESSAGES: '5000' }, 'probe', 3999)).toThrow(/BULK_MAX_MESSAGES/);
  });

  it('answers one status per entry: a failing entry asks for itself again, a bad one is set aside, the rest succeed', async () => {
    const { server, dapr, seen } = setup(async e => {
      if ((e as { id: string }).id === 'boom') throw new Error('state store timed out');
    }, bulkEnv);
    const invalid = { ...created('bad'), data: {} };
    const res = await deliverBulk(server, OrderCreated, [created('a'), created('boom'), invalid, created('b')], {
      appToken: 'app',
    }).expect(200);
    expect(res.body).toEqual({
      statuses: [
        { entryId: 'e0', status: 'SUCCESS' },
        { entryId: 'e1', status: 'RETRY' },
        { entryId: 'e2', status: 'SUCCESS' },
        { entryId: 'e3', status: 'SUCCESS' },
      ],
    });
    expect(seen.map(e => (e as { id: string }).id)).toEqual(['a', 'boom', 'b']);
    const letters = dapr.bus.of(DeadLettered.topic);
    expect(letters.map(l => (l.data as { original: { id: string } }).original.id)).toEqual(['bad']);
  });

  it("runs one subject's entries in the order sent, one at a time, and different subjects side by side", async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const { server } = setup(async e => {
      const { id } = e as { id: string };
      log.push(`start ${id}`);
      if (id === 'o1-first') await gate; // holds o1's queue; o2 must not wait for it
      if (id === 'o2-only') release();
      log.push(`end ${id}`);
    }, bulkEnv);
    const batch = [forOrder('o1', 'o1-first'), forOrder('o1', 'o1-second'), forOrder('o2', 'o2-only')];
    const res = await deliverBulk(server, OrderCreated, batch, { appToken: 'app' }).expect(200);
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(log).toEqual([
      'start o1-first',
      'start o2-only',
      'end o2-only',
      'end o1-first',
      'start o1-second',
      'end o1-second',
    ]);
  });

  it("hands each entry's handler the trace context of its own event", async () => {
    const traces: (string | undefined)[] = [];
    const { server } = setup(async (_e, tp) => void traces.push(tp), bulkEnv);
    const tp = (n: number) => `00-0af7651916cd43dd8448eb211c8031${n}c-b7ad6b7169203331-01`;
    const batch = [forOrder('o1', 'x'), forOrder('o2', 'y')].map((e, i) => ({ ...e, traceparent: tp(i + 10) }));
    await deliverBulk(server, OrderCreated, batch, { appToken: 'app' }).set('traceparent', tp(99)).expect(200);
    expect(traces.sort()).toEqual([tp(10), tp(11)]);
  });

  it('loses each entry, not the batch, to the dropRate knob: acknowledged SUCCESS, never handled', async () => {
    const { server, seen } = setup(ok, { ...bulkEnv, FAULT_DROP_RATE_PCT: '100' });
    const res = await deliverBulk(server, OrderCreated, [created('a'), created('b')], { appToken: 'app' }).expect(200);
    expect(res.body.statuses).toEqual([
      { entryId: 'e0', status: 'SUCCESS' },
      { entryId: 'e1', status: 'SUCCESS' },
    ]);
    expect(seen).toEqual([]);
  });

  it('needs the app token like a single delivery', async () => {
    const { server, seen } = setup(ok, bulkEnv);
    await deliverBulk(server, OrderCreated, [created('a')]).expect(401);
    expect(seen).toEqual([]);
  });
});
