import request from 'supertest';
import {
  addressed,
  buildEvent,
  DeadLettered,
  DeliveryStarted,
  FIRST_ANNOUNCEMENT_MS,
  OrderCancelled,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
} from '@lab/contracts';
import { deliverBulk, deliverPublished, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const body = { customerId: 'c-1', items: [{ sku: 'book', quantity: 2, unitPrice: 1500 }] };

function setup(env: Record<string, string> = {}) {
  const dapr = memoryDapr();
  const app = createApp({ config: loadConfig(env), log: silentLogger(), dapr });
  return { dapr, server: app.callback() };
}

/** What the sidecar would do: deliver order's own OrderCreated back to it. */
const deliverOwn = (server: ReturnType<typeof setup>['server'], dapr: ReturnType<typeof setup>['dapr']) =>
  deliverPublished(server, dapr.bus, OrderCreated);

async function place({ server, dapr }: ReturnType<typeof setup>) {
  const res = await request(server).post('/orders').send(body).expect(202);
  await deliverOwn(server, dapr);
  return res.body.orderId as string;
}

describe('POST /orders', () => {
  it('publishes OrderCreated (its only write) and answers 202 with a Location; the order is stored from that event', async () => {
    const { dapr, server } = setup();
    const res = await request(server).post('/orders').send(body).expect(202);
    expect(dapr.state.keys().filter(k => k.startsWith('order:'))).toEqual([]);
    await deliverOwn(server, dapr);
    expect(res.body).toEqual({ orderId: expect.any(String), status: 'PENDING' });
    expect(res.headers.location).toBe(`/orders/${res.body.orderId}`);
    const [event] = dapr.bus.of(OrderCreated.topic);
    expect(event).toMatchObject({ type: OrderCreated.type, source: 'order', subject: res.body.orderId });
    expect(event!.data).toMatchObject({ orderId: res.body.orderId, customerId: 'c-1', totalAmount: 3000 });
    const stored = await dapr.state.get<{ status: string; history: { eventId: string }[] }>(
      `order:${res.body.orderId}`,
    );
    expect(stored?.value.status).toBe('PENDING');
    expect(stored?.value.history[0]?.eventId).toBe(event!.id);
  });

  it('forwards the caller traceparent into the event', async () => {
    const { dapr, server } = setup();
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await request(server).post('/orders').set('traceparent', tp).send(body).expect(202);
    expect(dapr.bus.of(OrderCreated.topic)[0]?.traceparent).toBe(tp);
  });

  it.each([
    ['no customer', { items: body.items }, 'customerId'],
    ['no items', { customerId: 'c', items: [] }, 'items'],
    ['zero quantity', { customerId: 'c', items: [{ sku: 'a', quantity: 0, unitPrice: 1 }] }, 'items.0.quantity'],
    ['negative price', { customerId: 'c', items: [{ sku: 'a', quantity: 1, unitPrice: -1 }] }, 'items.0.unitPrice'],
    ['unknown field', { ...body, coupon: 'FREE' }, '(root)'],
  ])('rejects %s with 400 naming the field', async (_name, payload, field) => {
    const { dapr, server } = setup();
    const res = await request(server).post('/orders').send(payload).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(dapr.bus.published).toHaveLength(0);
  });

  it('answers 415 for a non-JSON body and 400 for malformed JSON', async () => {
    const { server } = setup();
    await request(server).post('/orders').set('Content-Type', 'text/plain').send('hi').expect(415);
    const res = await request(server).post('/orders').set('Content-Type', 'application/json').send('{oops').expect(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers 413 above 64 KB', async () => {
    const { server } = setup();
    const big = { customerId: 'x'.repeat(70 * 1024), items: body.items };
    const res = await request(server).post('/orders').send(big).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 500 without a stack trace when the bus is down', async () => {
    const { dapr, server } = setup();
    dapr.bus.failNext = 1;
    const res = await request(server).post('/orders').send(body).expect(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});

describe('hostile input at the edge (issue 13, classes 3, 4 and 10)', () => {
  it.each([
    ['a customer id daprd cannot store', { ...body, customerId: 'x||y' }, 'customerId'],
    ['a customer id with a space', { ...body, customerId: 'a b' }, 'customerId'],
    [
      'a total beyond Number.MAX_SAFE_INTEGER',
      { customerId: 'c-1', items: Array(100).fill({ sku: 's', quantity: 1000, unitPrice: 1e11 }) },
      'items',
    ],
    [
      'a total above the business maximum, every price allowed',
      { customerId: 'c-1', items: Array(100).fill({ sku: 's', quantity: 1000, unitPrice: 999_999_999 }) },
      'items',
    ],
    [
      'a unit price above the business maximum',
      { customerId: 'c-1', items: [{ sku: 's', quantity: 1, unitPrice: 1e13 }] },
      'items.0.unitPrice',
    ],
  ])('POST /orders with %s is 400 naming the field, and nothing is published', async (_n, req, field) => {
    const { dapr, server } = setup();
    const res = await request(server).post('/orders').send(req);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.some((f: { field: string }) => f.field.startsWith(field))).toBe(true);
    expect(dapr.bus.published).toEqual([]);
  });

  // '' was taken as no key at all, where the declared id schema refuses it (found by schemathesis).
  it.each(['x||y', 'a b', 'k'.repeat(129), ''])('an Idempotency-Key %j is 400 naming the header', async key => {
    const { dapr, server } = setup();
    const res = await request(server).post('/orders').set('Idempotency-Key', key).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(dapr.bus.published).toEqual([]);
  });

  // Any other value took the event flow silently, where the API declares only `sync` (found by schemathesis).
  it.each([
    ['/orders?flow=Sync', {}, ['flow']],
    ['/orders?flow=', {}, ['flow']],
    ['/orders?flow=sync&flow=sync', {}, ['flow']],
    ['/orders', { 'X-Flow': 'p' }, ['X-Flow']],
    ['/orders?flow=async', { 'X-Flow': 'sync' }, ['flow']],
    ['/orders?flow=no', { 'X-Flow': '' }, ['flow', 'X-Flow']],
  ])('POST %s %j is 400 naming %j, and nothing is published', async (path, headers, fields) => {
    const { dapr, server } = setup();
    const res = await request(server).post(path).set(headers).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(fields);
    expect(dapr.bus.published).toEqual([]);
  });

  it.each([
    ['/orders/x%7C%7Cy', 'orderId'],
    ['/orders/x%7C%7Cy/timeline', 'orderId'],
    ['/orders?customerId=x%7C%7Cy', 'customerId'],
    ['/orders?customerId=', 'customerId'],
  ])('GET %s is 400 naming %s', async (path, field) => {
    const res = await request(setup().server).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe(field);
  });

  it("GET /orders?customerId= fails as a whole when one order's read fails, rather than answering a partial list", async () => {
    const s = setup();
    await place(s);
    await place(s);
    const get = s.dapr.state.get.bind(s.dapr.state);
    let reads = 0;
    s.dapr.state.get = async <T>(key: string) => {
      if (key.startsWith('order:') && ++reads === 2) throw new Error('state get failed: HTTP 500');
      return get<T>(key);
    };
    const res = await request(s.server).get('/orders?customerId=c-1');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.orders).toBeUndefined();
  });
});

describe('GET /orders/:id', () => {
  it('returns the order, and 404 for an unknown id', async () => {
    const t = setup();
    const id = await place(t);
    const res = await request(t.server).get(`/orders/${id}`).expect(200);
    expect(res.body).toMatchObject({ orderId: id, status: 'PENDING', totalAmount: 3000 });
    const missing = await request(t.server).get('/orders/nope').expect(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('PaymentCompleted subscription', () => {
  const paid = (orderId: string, id?: string) =>
    buildEvent(
      PaymentCompleted,
      { orderId, paymentId: 'p-1', customerId: 'c-1', amount: 3000, completedAt: new Date().toISOString() },
      { source: 'payment', ...(id ? { id } : {}) },
    );

  it('is declared in GET /dapr/subscribe with a dead-letter topic', async () => {
    const { server } = setup();
    const res = await request(server).get('/dapr/subscribe').expect(200);
    expect(res.body).toContainEqual({
      pubsubname: 'pubsub',
      topic: 'payment-completed',
      route: '/events/payment-completed',
      deadLetterTopic: 'dead-letters-order',
    });
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual([
      'delivery-started',
      'order-created',
      'payment-completed',
      'payment-failed',
    ]);
  });

  it('moves the order to PAID once, however often the event is delivered', async () => {
    const t = setup();
    const server = t.server;
    const id = await place(t);
    const event = paid(id, 'evt-1');
    for (let i = 0; i < 3; i++) {
      const res = await request(server)
        .post('/events/payment-completed')
        .set('Content-Type', 'application/cloudevents+json')
        .send(JSON.stringify(event))
        .expect(200);
      expect(res.body.status).toBe('SUCCESS');
    }
    const order = (await request(server).get(`/orders/${id}`)).body;
    expect(order.status).toBe('PAID');
    expect(order.history.map((h: { event: string }) => h.event)).toEqual(['OrderCreated', 'PaymentCompleted']);
  });

  it('follows a bulk delivery: each order moved once, finished ones out of the open-orders index, one cancellation announced', async () => {
    const t = setup({ BULK_MAX_MESSAGES: '50' });
    const [a, b, c] = [await place(t), await place(t), await place(t)];
    const openIds = async () =>
      [
        ...(
          await t.dapr.state.getMany<Record<string, unknown>>(
            t.dapr.state.keys().filter(k => k.startsWith('open-orders:')),
          )
        ).values(),
      ]
        .flatMap(Object.keys)
        .sort();
    expect(await openIds()).toEqual([a, b, c].sort());
    const at = new Date().toISOString();
    const started = (orderId: string, id: string) =>
      buildEvent(
        DeliveryStarted,
        { orderId, deliveryId: `d-${orderId}`, customerId: 'c-1', startedAt: at },
        { source: 'delivery', id },
      );
    const failed = (orderId: string) =>
      buildEvent(
        PaymentFailed,
        { orderId, customerId: 'c-1', amount: 3000, reason: 'card declined', failedAt: at },
        { source: 'payment' },
      );
    await deliverBulk(t.server, PaymentCompleted, [paid(a, 'pa'), paid(b, 'pb')]).expect(200);
    const res = await deliverBulk(t.server, DeliveryStarted, [
      started(a, 'sa'),
      started(b, 'sb'),
      started(a, 'sa'),
    ]).expect(200);
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    await deliverBulk(t.server, PaymentFailed, [failed(c)]).expect(200);
    for (const [id, status] of [
      [a, 'SHIPPED'],
      [b, 'SHIPPED'],
      [c, 'CANCELLED'],
    ]) {
      const order = (await request(t.server).get(`/orders/${id}`).expect(200)).body;
      expect(order.status).toBe(status);
    }
    const history = (await request(t.server).get(`/orders/${a}`)).body.history.map((h: { event: string }) => h.event);
    expect(history).toEqual(['OrderCreated', 'PaymentCompleted', 'DeliveryStarted']);
    expect(await openIds()).toEqual([]);
    expect(t.dapr.bus.of(OrderCancelled.topic).map(e => e.data.orderId)).toEqual([c]);
  });

  it('dead-letters an event that does not match the contract, with the reason and the original', async () => {
    const { server, dapr } = setup();
    const bad = { specversion: '1.0', id: 'x', type: PaymentCompleted.type, data: { orderId: 1 } };
    const res = await request(server)
      .post('/events/payment-completed')
      .set('Content-Type', 'application/cloudevents+json')
      .send(JSON.stringify(bad))
      .expect(200);
    expect(res.body).toMatchObject({ status: 'SUCCESS', deadLettered: expect.stringMatching(/orderId/) });
    const [dl] = dapr.bus.of(DeadLettered.topic);
    expect(dl?.data).toMatchObject({
      topic: 'payment-completed',
      service: 'order',
      original: bad,
      reason: expect.stringMatching(/orderId/),
    });
  });

  it('answers DROP (daprd forwards it as it is) when even the dead letter cannot be published', async () => {
    const { server, dapr } = setup();
    dapr.bus.failNext = 1;
    const res = await request(server)
      .post('/events/payment-completed')
      .set('Content-Type', 'application/cloudevents+json')
      .send('{"specversion":"1.0"}')
      .expect(200);
    expect(res.body.status).toBe('DROP');
  });

  it('parks a fact that arrives before the order is recorded, and applies it when the order is', async () => {
    const t = setup();
    await request(t.server).post('/orders').send(body).expect(202);
    const [created] = t.dapr.bus.of(OrderCreated.topic);
    const orderId = created!.data.orderId as string;
    const early = paid(orderId, 'evt-early');
    for (let i = 0; i < 2; i++) {
      const res = await request(t.server)
        .post('/events/payment-completed')
        .set('Content-Type', 'application/cloudevents+json')
        .send(JSON.stringify(early))
        .expect(200);
      expect(res.body.status).toBe('SUCCESS');
    }
    // Parked facts are not an order: nothing to read until OrderCreated is applied.
    await request(t.server).get(`/orders/${orderId}`).expect(404);
    await deliverOwn(t.server, t.dapr);
    const res = await request(t.server).get(`/orders/${orderId}`).expect(200);
    expect(res.body.status).toBe('PAID');
    expect(res.body.history.map((h: { event: string }) => h.event)).toEqual(['OrderCreated', 'PaymentCompleted']);
    // A redelivered OrderCreated changes nothing.
    await deliverOwn(t.server, t.dapr);
    const again = await request(t.server).get(`/orders/${orderId}`).expect(200);
    expect(again.body.history).toHaveLength(2);
  });

  it('a PaymentFailed parked before the order cancels it when recorded, and OrderCancelled is announced', async () => {
    const t = setup();
    await request(t.server).post('/orders').send(body).expect(202);
    const orderId = t.dapr.bus.of(OrderCreated.topic)[0]!.data.orderId as string;
    const failed = buildEvent(
      PaymentFailed,
      { orderId, customerId: 'c-1', amount: 3000, reason: 'card declined', failedAt: new Date().toISOString() },
      { source: 'payment' },
    );
    await request(t.server)
      .post('/events/payment-failed')
      .set('Content-Type', 'application/cloudevents+json')
      .send(JSON.stringify(failed))
      .expect(200);
    expect(t.dapr.bus.of(OrderCancelled.topic)).toHaveLength(0);
    await deliverOwn(t.server, t.dapr);
    const res = await request(t.server).get(`/orders/${orderId}`).expect(200);
    expect(res.body.status).toBe('CANCELLED');
    const [cancelled] = t.dapr.bus.of(OrderCancelled.topic);
    expect(cancelled?.data).toMatchObject({ orderId, reason: 'card declined' });
  });

  // Issue 13, class 5: a late copy stays with the consumers it was addressed to.
  it('announces OrderCancelled again to everyone while recent, later only to the audience of the copy that asked', async () => {
    let clock = Date.now();
    const dapr = memoryDapr();
    const t = {
      dapr,
      server: createApp({ config: loadConfig({}), log: silentLogger(), dapr, now: () => new Date(clock) }).callback(),
    };
    const orderId = await place(t);
    const failed = buildEvent(
      PaymentFailed,
      { orderId, customerId: 'c-1', amount: 3000, reason: 'card declined', failedAt: new Date(clock).toISOString() },
      { source: 'payment' },
    );
    const copy = addressed(failed, ['order', 'payment', 'delivery']);
    const send = (e: object) =>
      request(t.server)
        .post('/events/payment-failed')
        .set('Content-Type', 'application/cloudevents+json')
        .send(JSON.stringify(e))
        .expect(200);
    await send(copy);
    await send(copy);
    clock += FIRST_ANNOUNCEMENT_MS;
    await send(copy);
    await send(failed);
    const [first, recent, old, plain] = t.dapr.bus.of(OrderCancelled.topic);
    expect(first).not.toHaveProperty('addressedto');
    expect(recent).toEqual(first);
    expect(old).toEqual({ ...first, addressedto: 'order,payment,delivery' });
    expect(plain).toEqual(first);
  });

  it('requires the dapr-api-token on sidecar routes when APP_API_TOKEN is set', async () => {
    const { server } = setup({ APP_API_TOKEN: 's3cret' });
    await request(server).get('/dapr/subscribe').expect(401);
    await request(server).get('/dapr/subscribe').set('dapr-api-token', 's3cret').expect(200);
  });
});

describe('health', () => {
  it('/healthz is always 200; /readyz follows the sidecar', async () => {
    const { dapr, server } = setup();
    await request(server).get('/healthz').expect(200);
    await request(server).get('/readyz').expect(200);
    dapr.sidecarUp = false;
    await request(server).get('/readyz').expect(503);
  });

  it('unknown routes are JSON 404s', async () => {
    const { server } = setup();
    const res = await request(server).get('/nope').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
