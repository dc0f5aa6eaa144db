import request from 'supertest';
import { allEvents, buildEvent, DeadLettered, OrderCreated, UserRegistered } from '@lab/contracts';
import { shardOf } from '@lab/kit';
import { deliver, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { PER_TYPE_SHARD, TYPE_SHARDS } from '../src/domain/entry';

const server = () => createApp({ config: loadConfig({}), log: silentLogger(), dapr: memoryDapr() }).callback();
const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const created = buildEvent(
  OrderCreated,
  {
    orderId: 'o-1',
    customerId: 'c',
    items: [{ sku: 'a', quantity: 1, unitPrice: 1 }],
    totalAmount: 1,
    createdAt: new Date().toISOString(),
  },
  { source: 'order', traceparent: tp },
);

describe('audit', () => {
  it('subscribes to every topic', async () => {
    const res = await request(server()).get('/dapr/subscribe').expect(200);
    const topics = res.body.map((s: { topic: string }) => s.topic) as string[];
    expect(topics.filter(t => !t.startsWith('dead-letters-')).sort()).toEqual(allEvents.map(e => e.topic).sort());
    // The dead-letter channels have no dead-letter topic of their own: a dead letter never loops.
    for (const s of res.body as { topic: string; deadLetterTopic?: string }[])
      if (s.topic.startsWith('dead-letters')) expect(s.deadLetterTopic).toBeUndefined();
      else expect(s.deadLetterTopic).toBe('dead-letters-audit');
  });

  it('logs each event once, queryable by order and by type, with its trace id', async () => {
    const s = server();
    await deliver(s, OrderCreated.topic, created).expect(200);
    await deliver(s, OrderCreated.topic, created).expect(200);
    const byOrder = await request(s).get('/audit?orderId=o-1').expect(200);
    expect(byOrder.body.entries).toHaveLength(1);
    expect(byOrder.body.entries[0]).toMatchObject({
      name: 'OrderCreated',
      source: 'order',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    const byType = await request(s).get('/audit?type=OrderCreated').expect(200);
    expect(byType.body.count).toBe(1);
    expect((await request(s).get(`/audit?type=${UserRegistered.type}`).expect(200)).body.count).toBe(0);
  });

  // The duplicate horizon (docs/guarantees.md section 1): a copy for everyone may come 11 minutes after its fact,
  // long after the by-type index (a window of the newest entries) let the first go. The subject's log decides.
  it('lists a late copy by type no more, after the by-type index let the first one go', async () => {
    const s = server();
    await deliver(s, OrderCreated.topic, created).expect(200);
    const shard = shardOf(created.id, TYPE_SHARDS);
    for (let i = 0, n = 0; n < PER_TYPE_SHARD; i++) {
      const id = `later-${i}`;
      if (shardOf(id, TYPE_SHARDS) !== shard) continue;
      n += 1;
      await deliver(s, OrderCreated.topic, {
        ...created,
        id,
        subject: `o-${id}`,
        data: { ...created.data, orderId: `o-${id}` },
      }).expect(200);
    }
    const listed = async () =>
      ((await request(s).get('/audit?type=OrderCreated').expect(200)).body.entries as { eventId: string }[]).map(
        e => e.eventId,
      );
    const before = await listed();
    expect(before).not.toContain(created.id);
    await deliver(s, OrderCreated.topic, created).expect(200);
    expect(await listed()).toEqual(before);
    expect((await request(s).get('/audit?orderId=o-1').expect(200)).body.entries).toHaveLength(1);
  });

  it('answers 400 without a query and for an unknown type', async () => {
    const s = server();
    expect((await request(s).get('/audit').expect(400)).body.error.code).toBe('validation_failed');
    await request(s).get('/audit?type=Nope').expect(400);
  });
});

describe('the dead-letter desk', () => {
  const setup = () => {
    const dapr = memoryDapr();
    const s = createApp({ config: loadConfig({ ADMIN_TOKEN: 'adm' }), log: silentLogger(), dapr }).callback();
    return { dapr, s, auth: { Authorization: 'Bearer adm' } };
  };

  it('keeps a dead letter with its reason, lists it, and replays a valid original unchanged (same id)', async () => {
    const { dapr, s, auth } = setup();
    const dl = buildEvent(
      DeadLettered,
      {
        reason: 'gave up',
        topic: 'order-created',
        service: 'payment',
        original: created,
        deadLetteredAt: new Date().toISOString(),
      },
      { source: 'payment' },
    );
    await deliver(s, 'dead-letters', dl).expect(200);
    await deliver(s, 'dead-letters', dl).expect(200); // a redelivery is kept once
    await request(s).get('/admin/dead-letters').expect(401);
    const list = await request(s).get('/admin/dead-letters').set(auth).expect(200);
    expect(list.body.entries).toEqual([
      expect.objectContaining({ id: dl.id, reason: 'gave up', service: 'payment', topic: 'order-created' }),
    ]);
    const replay = await request(s).post(`/admin/dead-letters/${dl.id}/replay`).set(auth).expect(200);
    // A copy for the consumer that set it aside (issue 13, class 5): the others handled it when it was new.
    expect(replay.body).toEqual({
      replayed: dl.id,
      topic: 'order-created',
      eventId: created.id,
      addressedTo: 'payment',
    });
    expect(dapr.bus.of('order-created')).toEqual([{ ...created, addressedto: 'payment' }]);
    expect((await request(s).get(`/admin/dead-letters/${dl.id}`).set(auth)).body.replays).toHaveLength(1);
  });

  it("keeps what two consumers' sidecars forwarded after failed retries as two letters, each replayed to its own", async () => {
    const { dapr, s, auth } = setup();
    const event = { ...created, id: 'fw-1', addressedto: 'order,payment' };
    await deliver(s, 'dead-letters-payment', event).expect(200);
    await deliver(s, 'dead-letters-delivery', event).expect(200);
    await deliver(s, 'dead-letters-payment', event).expect(200); // a redelivery is kept once
    const list = (await request(s).get('/admin/dead-letters').set(auth).expect(200)).body.entries;
    expect(list.map((e: { id: string; service: string }) => [e.id, e.service])).toEqual([
      ['forwarded-payment-fw-1', 'payment'],
      ['forwarded-delivery-fw-1', 'delivery'],
    ]);
    const replay = await request(s).post('/admin/dead-letters/forwarded-delivery-fw-1/replay').set(auth).expect(200);
    expect(replay.body).toMatchObject({ eventId: 'fw-1', addressedTo: 'delivery' });
    expect(dapr.bus.of('order-created')).toEqual([{ ...created, id: 'fw-1', addressedto: 'delivery' }]);
  });

  it('subscribes to the forwarding topic of every consumer in the catalog', async () => {
    const { s } = setup();
    const topics = (await request(s).get('/dapr/subscribe').expect(200)).body.map((x: { topic: string }) => x.topic);
    for (const c of ['order', 'payment', 'delivery', 'notification', 'points', 'stats', 'audit', 'console', 'user'])
      expect(topics).toContain(`dead-letters-${c}`);
    expect(topics).not.toContain('dead-letters-gateway'); // it subscribes to nothing
  });

  it('keeps an event daprd forwarded after failed retries, and refuses to replay one that breaks its contract', async () => {
    const { s, auth } = setup();
    const broken = { ...created, id: 'x-1', data: { orderId: 'o' } };
    await deliver(s, 'dead-letters-payment', broken).expect(200);
    const list = await request(s).get('/admin/dead-letters').set(auth).expect(200);
    expect(list.body.entries[0]).toMatchObject({
      id: 'forwarded-payment-x-1',
      service: 'payment',
      reason: expect.stringMatching(/retry/),
    });
    const res = await request(s).post('/admin/dead-letters/forwarded-payment-x-1/replay').set(auth).expect(422);
    expect(res.body.error.code).toBe('not_replayable');
  });
});

// How a side consumer that lost a fact after its order finished is healed (`./lab verify --heal`).
describe('POST /admin/facts/:eventId/redeliver', () => {
  const setup = () => {
    const dapr = memoryDapr();
    const s = createApp({ config: loadConfig({ ADMIN_TOKEN: 'adm' }), log: silentLogger(), dapr }).callback();
    return { dapr, s, auth: { Authorization: 'Bearer adm' } };
  };
  const redeliver = (s: ReturnType<typeof setup>['s'], id: string, body: object, auth?: object) =>
    request(s)
      .post(`/admin/facts/${id}/redeliver`)
      .set(auth ?? {})
      .send(body);

  it('publishes the logged fact again, same id, data and trace, addressed to the consumers named', async () => {
    const { dapr, s, auth } = setup();
    await deliver(s, OrderCreated.topic, created).expect(200);
    const res = await redeliver(s, created.id, { subject: 'o-1', to: ['notification', 'stats'] }, auth).expect(200);
    expect(res.body).toEqual({
      redelivered: created.id,
      topic: OrderCreated.topic,
      addressedTo: ['notification', 'stats'],
    });
    const [copy] = dapr.bus.of(OrderCreated.topic);
    expect(copy).toMatchObject({
      id: created.id,
      source: created.source,
      type: created.type,
      time: created.time,
      subject: 'o-1',
      data: created.data,
      addressedto: 'notification,stats',
    });
    expect(copy!.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    // The copy is not a new fact for audit itself: its log still holds the fact once.
    await deliver(s, OrderCreated.topic, copy!).expect(200);
    expect((await request(s).get('/audit?orderId=o-1').expect(200)).body.entries).toHaveLength(1);
  });

  it('needs the admin token, a logged fact, and consumers of the catalog', async () => {
    const { dapr, s, auth } = setup();
    await deliver(s, OrderCreated.topic, created).expect(200);
    await redeliver(s, created.id, { subject: 'o-1', to: ['stats'] }).expect(401);
    expect(
      (await redeliver(s, created.id, { subject: 'o-1', to: ['nobody'] }, auth).expect(400)).body.error.message,
    ).toContain('nobody');
    await redeliver(s, created.id, { subject: 'o-1', to: [] }, auth).expect(400);
    await redeliver(s, created.id, { subject: 'o-2', to: ['stats'] }, auth).expect(404);
    await redeliver(s, 'x||y', { subject: 'o-1', to: ['stats'] }, auth).expect(400);
    await redeliver(s, created.id, { subject: 'o-1', to: ['stats'], extra: 1 }, auth).expect(400);
    expect(dapr.bus.published).toHaveLength(0);
  });
});
