// delivery's HTTP side: the synchronous chain's step dispatches only what payment says is paid (issue 13, class 2).
import request from 'supertest';
import {
  addressed,
  buildEvent,
  DeliveryStarted,
  FIRST_ANNOUNCEMENT_MS,
  OrderCreated,
  PaymentCompleted,
} from '@lab/contracts';
import { deliver, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const order = {
  orderId: 'o-1',
  customerId: 'c-1',
  items: [{ sku: 'a', quantity: 2, unitPrice: 450_000 }],
  totalAmount: 900_000,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function setup(payment: { status: number; body: unknown }, env: Record<string, string> = {}) {
  const dapr = memoryDapr();
  dapr.invoker.routes.set('payment', async () => payment);
  const server = createApp({ config: loadConfig(env), log: silentLogger(), dapr }).callback();
  return { dapr, server };
}

describe('POST /sync/deliveries', () => {
  it.each([
    ['no payment at all', { status: 404, body: { error: { code: 'not_found' } } }],
    ['a failed payment', { status: 200, body: { status: 'FAILED', amount: 900_000 } }],
    ['a payment of another amount', { status: 200, body: { status: 'COMPLETED', amount: 1 } }],
  ])('refuses to dispatch an order with %s (409, nothing stored)', async (_n, payment) => {
    const { dapr, server } = setup(payment);
    const res = await request(server).post('/sync/deliveries').send(order);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_paid');
    expect(dapr.invoker.calls[0]).toMatchObject({ appId: 'payment', path: 'payments/o-1' });
    expect(dapr.state.keys()).toEqual([]);
  });

  it('dispatches an order payment holds a completed payment of its total for', async () => {
    const { server } = setup({ status: 200, body: { status: 'COMPLETED', amount: 900_000 } });
    const res = await request(server).post('/sync/deliveries').send(order).expect(200);
    expect(res.body).toMatchObject({ orderId: 'o-1', status: 'DISPATCHED' });
  });

  it('needs the dapr-api-token when APP_API_TOKEN is set, in any spelling of the path', async () => {
    const { dapr, server } = setup(
      { status: 200, body: { status: 'COMPLETED', amount: 900_000 } },
      { APP_API_TOKEN: 't' },
    );
    for (const path of ['/sync/deliveries', '/SYNC/deliveries', '//sync/deliveries']) {
      expect((await request(server).post(path).send(order)).status).toBe(401);
    }
    expect(dapr.invoker.calls).toEqual([]);
    await request(server).post('/sync/deliveries').set('dapr-api-token', 't').send(order).expect(200);
  });
});

describe('GET /deliveries/:orderId', () => {
  it('is 400 naming the field for an id daprd cannot store', async () => {
    const res = await request(setup({ status: 404, body: {} }).server).get('/deliveries/a%7C%7Cb');
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe('orderId');
  });
});

// Issue 13, class 5: a late copy stays with the consumers it was addressed to.
describe('DeliveryStarted, announced after a dispatch', () => {
  const at = '2026-01-01T00:00:01.000Z';
  const created = buildEvent(OrderCreated, order, { source: 'order' });
  const paid = buildEvent(
    PaymentCompleted,
    { orderId: 'o-1', paymentId: 'p-1', customerId: 'c-1', amount: 900_000, completedAt: at },
    { source: 'payment', id: 'payment-completed-o-1' },
  );

  it('goes to everyone while the dispatch is recent, later only to the audience of the copy that asked', async () => {
    let clock = Date.parse('2026-01-01T00:00:02.000Z');
    const dapr = memoryDapr();
    const server = createApp({
      config: loadConfig({}),
      log: silentLogger(),
      dapr,
      now: () => new Date(clock),
    }).callback();
    const copy = addressed(paid, ['order', 'payment', 'delivery']);
    await deliver(server, OrderCreated, created).expect(200);
    await deliver(server, PaymentCompleted, copy).expect(200); // dispatched by the copy: a new fact
    await deliver(server, PaymentCompleted, copy).expect(200); // recent: its first announcement may have failed
    clock += FIRST_ANNOUNCEMENT_MS;
    await deliver(server, PaymentCompleted, copy).expect(200); // long ago
    await deliver(server, PaymentCompleted, paid).expect(200);
    const [first, recent, old, plain] = dapr.bus.of(DeliveryStarted.topic);
    expect(first?.data).toMatchObject({ orderId: 'o-1' });
    expect(first).not.toHaveProperty('addressedto');
    expect(recent).toEqual(first);
    expect(old).toEqual({ ...first, addressedto: 'order,payment,delivery' });
    expect(plain).toEqual(first);
  });

  it('addressed to others, a copy is acknowledged and dispatches nothing', async () => {
    const { dapr, server } = setup({ status: 404, body: {} });
    await deliver(server, OrderCreated, addressed(created, ['order'])).expect(200);
    await deliver(server, PaymentCompleted, paid).expect(200);
    expect(dapr.bus.of(DeliveryStarted.topic)).toEqual([]);
    expect((await request(server).get('/deliveries/o-1').expect(200)).body.status).not.toBe('DISPATCHED');
  });
});
