import request from 'supertest';
import {
  addressed,
  buildEvent,
  FIRST_ANNOUNCEMENT_MS,
  OrderCreated,
  PaymentCompleted,
  PaymentFailed,
} from '@lab/contracts';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

/** A gateway double: approves below the limit, declines above it, counts calls. */
function setup(gateway: (body: { amount: number }) => { status: number; body: unknown } = approveBelow(1_000_000)) {
  const dapr = memoryDapr();
  dapr.invoker.routes.set('gateway', async (_path, opts) => gateway(opts.body as { amount: number }));
  const server = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
  return { dapr, server };
}

function approveBelow(limit: number) {
  return (b: { amount: number }) =>
    b.amount > limit
      ? { status: 200, body: { authorizationId: 'a-1', approved: false, reason: 'amount exceeds the limit' } }
      : { status: 200, body: { authorizationId: 'a-1', approved: true } };
}

const created = (orderId: string, totalAmount: number) =>
  buildEvent(
    OrderCreated,
    {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'a', quantity: 1, unitPrice: totalAmount }],
      totalAmount,
      createdAt: new Date().toISOString(),
    },
    { source: 'order' },
  );

const deliver = (server: ReturnType<typeof setup>['server'], event: object) => deliverTo(server, OrderCreated, event);

describe('OrderCreated subscription', () => {
  it('asks the gateway synchronously and publishes PaymentCompleted', async () => {
    const { dapr, server } = setup();
    const res = await deliver(server, created('o-1', 5000)).expect(200);
    expect(res.body.status).toBe('SUCCESS');
    expect(dapr.invoker.calls).toEqual([
      expect.objectContaining({
        appId: 'gateway',
        path: 'authorizations',
        opts: expect.objectContaining({ body: { orderId: 'o-1', customerId: 'c-1', amount: 5000 } }),
      }),
    ]);
    const [event] = dapr.bus.of(PaymentCompleted.topic);
    expect(event?.data).toMatchObject({ orderId: 'o-1', amount: 5000, customerId: 'c-1' });
    expect(event?.id).toBe('payment-completed-o-1');
    expect((await request(server).get('/payments/o-1').expect(200)).body).toMatchObject({
      status: 'COMPLETED',
      authorizationId: 'a-1',
    });
  });

  it('publishes PaymentFailed with the decline reason', async () => {
    const { dapr, server } = setup();
    await deliver(server, created('o-2', 2_000_000)).expect(200);
    expect(dapr.bus.of(PaymentCompleted.topic)).toHaveLength(0);
    expect(dapr.bus.of(PaymentFailed.topic)[0]?.data).toMatchObject({
      orderId: 'o-2',
      reason: 'declined: amount exceeds the limit',
    });
  });

  it('asks for redelivery while a young order meets a gateway that cannot answer, and announces nothing', async () => {
    const { dapr, server } = setup(() => ({ status: 503, body: {} }));
    expect((await deliver(server, created('o-3', 100))).status).toBe(500);
    expect(dapr.bus.published).toHaveLength(0);
    expect(dapr.state.keys().filter(k => k.startsWith('payment:'))).toEqual([]);
  });

  it('fails the payment (a result, not a silence) once the order waited past the decision deadline', async () => {
    const { dapr, server } = setup(() => ({ status: 503, body: {} }));
    const old = created('o-3b', 100);
    old.data.createdAt = new Date(Date.now() - 31_000).toISOString();
    await deliver(server, old).expect(200);
    expect(dapr.bus.of(PaymentFailed.topic)[0]?.data.reason).toMatch(/unavailable \(HTTP 503\)/);
  });

  // Issue 13, class 10: a token, policy or rate-limit answer is not the customer's decline; only a decline is.
  it.each([400, 401, 403, 404, 409, 429])(
    'asks again (redelivery) when the gateway answers %i, and declines nothing',
    async status => {
      const { dapr, server } = setup(() => ({ status, body: {} }));
      expect((await deliver(server, created('o-3c', 100))).status).toBe(500);
      expect(dapr.bus.published).toHaveLength(0);
      expect(dapr.state.keys().filter(k => k.startsWith('payment:'))).toEqual([]);
    },
  );

  it('declines an approval of another amount than the order total', async () => {
    const { dapr, server } = setup(() => ({ status: 200, body: { authorizationId: 'a', approved: true, amount: 1 } }));
    await deliver(server, created('o-3d', 900_000)).expect(200);
    expect(dapr.bus.of(PaymentFailed.topic)[0]?.data.reason).toMatch(/authorised 1, not the order's total 900000/);
  });

  it('charges once per order: a redelivery re-announces the same event without calling the gateway', async () => {
    const { dapr, server } = setup();
    const event = created('o-4', 100);
    await deliver(server, event).expect(200);
    await deliver(server, event).expect(200);
    await deliver(server, created('o-4', 100)).expect(200); // another OrderCreated for the same order
    expect(dapr.invoker.calls).toHaveLength(1);
    expect(new Set(dapr.bus.of(PaymentCompleted.topic).map(e => e.id))).toEqual(new Set(['payment-completed-o-4']));
    expect(dapr.state.keys().filter(k => k.startsWith('payment:'))).toEqual(['payment:o-4']);
  });

  // Issue 13, class 5: a late copy stays with the consumers it was addressed to.
  it('announces a recent decision again to everyone, one long on record only to the audience of the copy that asked', async () => {
    let clock = Date.now();
    const dapr = memoryDapr();
    dapr.invoker.routes.set('gateway', async (_path, opts) => approveBelow(1_000_000)(opts.body as { amount: number }));
    const server = createApp({
      config: loadConfig({}),
      log: silentLogger(),
      dapr,
      now: () => new Date(clock),
    }).callback();
    const copy = addressed(created('o-4b', 100), ['order', 'payment', 'delivery']);
    await deliver(server, copy).expect(200); // decided by the copy: a new fact
    clock += FIRST_ANNOUNCEMENT_MS - 1000;
    await deliver(server, copy).expect(200); // recent: its first announcement may have failed
    clock += 2000;
    await deliver(server, copy).expect(200); // long on record
    await deliver(server, { ...copy, addressedto: undefined }).expect(200); // a copy for everyone asks
    const [decided, recent, old, plain] = dapr.bus.of(PaymentCompleted.topic);
    expect(decided).not.toHaveProperty('addressedto');
    expect(recent).toEqual(decided);
    expect(old).toEqual({ ...decided, addressedto: 'order,payment,delivery' });
    expect(plain).toEqual(decided);
  });

  it('asks for redelivery when the announcement cannot be published, and keeps one decision', async () => {
    const { dapr, server } = setup();
    dapr.bus.failNext = 1;
    const event = created('o-5', 100);
    expect((await deliver(server, event)).status).toBe(500);
    await deliver(server, event).expect(200);
    expect(dapr.bus.of(PaymentCompleted.topic)).toHaveLength(1);
    expect(dapr.invoker.calls).toHaveLength(1);
  });

  it('dead-letters an event of another type without calling the gateway', async () => {
    const { server, dapr } = setup();
    const res = await deliver(server, { ...created('o-6', 1), type: 'something.else' }).expect(200);
    expect(res.body.deadLettered).toMatch(/type "something.else"/);
    expect(dapr.invoker.calls).toHaveLength(0);
  });

  // Issue 13, class 2: a client raced its own order through /sync/payments with an amount of 1.
  it('dead-letters an order whose total is not the sum of its items, without calling the gateway', async () => {
    const { dapr, server } = setup();
    const e = created('o-7', 900_000);
    e.data.totalAmount = 1;
    const res = await deliver(server, e).expect(200);
    expect(res.body.deadLettered).toMatch(/not the sum of the items/);
    expect(dapr.invoker.calls).toHaveLength(0);
  });

  it('never announces a payment on record of another amount than the order total', async () => {
    const { dapr, server } = setup();
    const cheap = {
      orderId: 'o-8',
      customerId: 'c-1',
      items: [{ sku: 'a', quantity: 1, unitPrice: 1 }],
      totalAmount: 1,
      createdAt: new Date().toISOString(),
    };
    await request(server).post('/sync/payments').send(cheap).expect(200);
    const res = await deliver(server, created('o-8', 900_000)).expect(200);
    expect(res.body.deadLettered).toMatch(/payment on record for o-8 is of 1/);
    expect(dapr.bus.of(PaymentCompleted.topic)).toHaveLength(0);
    const again = await request(server)
      .post('/sync/payments')
      .send({ ...cheap, items: [{ sku: 'a', quantity: 1, unitPrice: 5 }], totalAmount: 5 });
    expect(again.status).toBe(409);
    expect(again.body.error.fields[0].field).toBe('totalAmount');
    const lying = await request(server)
      .post('/sync/payments')
      .send({ ...cheap, orderId: 'o-9', totalAmount: 7 });
    expect(lying.status).toBe(422);
  });

  it('/sync/payments needs the dapr-api-token when APP_API_TOKEN is set', async () => {
    const dapr = memoryDapr();
    const server = createApp({ config: loadConfig({ APP_API_TOKEN: 't' }), log: silentLogger(), dapr }).callback();
    const order = {
      orderId: 'o',
      customerId: 'c',
      items: [{ sku: 'a', quantity: 1, unitPrice: 1 }],
      totalAmount: 1,
      createdAt: new Date().toISOString(),
    };
    const res = await request(server).post('/sync/payments').send(order);
    expect(res.status).toBe(401);
    expect(dapr.invoker.calls).toHaveLength(0);
    await request(server).post('/sync/payments').set('dapr-api-token', 't').send(order).expect(200);
  });

  it('GET /payments/:orderId is 400 naming the field for an id daprd cannot store', async () => {
    const res = await request(setup().server).get('/payments/x%7C%7Cy');
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe('orderId');
  });

  it('GET /payments/:orderId is 404 for an unknown order', async () => {
    const { server } = setup();
    await request(server).get('/payments/none').expect(404);
  });
});
