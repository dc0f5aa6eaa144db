import request from 'supertest';
import { buildEvent, OrderCreated, PaymentCompleted, PaymentFailed } from '@lab/contracts';
import { memoryDapr, silentLogger } from '@lab/kit';
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

const deliver = (server: ReturnType<typeof setup>['server'], event: object) =>
  request(server)
    .post('/events/order-created')
    .set('Content-Type', 'application/cloudevents+json')
    .send(JSON.stringify(event));

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

  it('fails the payment at once when the gateway refuses the request (4xx is an answer)', async () => {
    const { dapr, server } = setup(() => ({ status: 400, body: {} }));
    await deliver(server, created('o-3c', 100)).expect(200);
    expect(dapr.bus.of(PaymentFailed.topic)[0]?.data.reason).toMatch(/refused the request \(HTTP 400\)/);
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

  it('GET /payments/:orderId is 404 for an unknown order', async () => {
    const { server } = setup();
    await request(server).get('/payments/none').expect(404);
  });
});
