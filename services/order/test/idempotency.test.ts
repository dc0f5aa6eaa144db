import request from 'supertest';
import { buildEvent, DeliveryStarted, OrderCreated, type CloudEvent } from '@lab/contracts';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const body = { customerId: 'c-1', items: [{ sku: 'book', quantity: 2, unitPrice: 1500 }] };

function setup() {
  const dapr = memoryDapr();
  const server = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
  const deliver = (topic: string, e: CloudEvent) => deliverTo(server, topic, e).expect(200);
  return { dapr, server, deliver };
}

describe('POST /orders with an Idempotency-Key (issue 13, class 5)', () => {
  it('a replay for an order that is already finished answers it as it is and publishes nothing again', async () => {
    const t = setup();
    const first = await request(t.server).post('/orders').set('Idempotency-Key', 'k-done').send(body).expect(202);
    const orderId = first.body.orderId as string;
    await t.deliver(OrderCreated.topic, t.dapr.bus.of(OrderCreated.topic)[0]!);
    await t.deliver(
      DeliveryStarted.topic,
      buildEvent(
        DeliveryStarted,
        { orderId, deliveryId: 'd-1', customerId: 'c-1', startedAt: new Date().toISOString() },
        { source: 'delivery' },
      ),
    );
    for (let i = 0; i < 3; i++) {
      const replay = await request(t.server).post('/orders').set('Idempotency-Key', 'k-done').send(body).expect(202);
      expect(replay.body).toEqual({ orderId, status: 'SHIPPED' });
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expect(t.dapr.bus.of(OrderCreated.topic)).toHaveLength(1);
  });

  it('a replay of an attempt whose publish was never acknowledged publishes the same event (same id) again', async () => {
    const t = setup();
    t.dapr.bus.failNext = 1;
    await request(t.server).post('/orders').set('Idempotency-Key', 'k-half').send(body).expect(500);
    const retry = await request(t.server).post('/orders').set('Idempotency-Key', 'k-half').send(body).expect(202);
    const [event] = t.dapr.bus.of(OrderCreated.topic);
    expect(event!.data.orderId).toBe(retry.body.orderId);
  });
});

describe('POST /orders?flow=sync with an Idempotency-Key (issue 13, class 5)', () => {
  function chain(t: ReturnType<typeof setup>) {
    t.dapr.invoker.routes.set('payment', async () => ({ status: 200, body: { status: 'COMPLETED' } }));
    t.dapr.invoker.routes.set('delivery', async () => ({ status: 200, body: { deliveryId: 'd-1' } }));
    t.dapr.invoker.routes.set('notification', async () => ({ status: 200, body: {} }));
  }

  it('two POSTs with one key make one order and run the chain once', async () => {
    const t = setup();
    chain(t);
    const a = await request(t.server).post('/orders?flow=sync').set('Idempotency-Key', 'k-sync').send(body).expect(201);
    const b = await request(t.server).post('/orders?flow=sync').set('Idempotency-Key', 'k-sync').send(body).expect(201);
    expect(b.body).toEqual({ orderId: a.body.orderId, status: 'SHIPPED', flow: 'sync' });
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(t.dapr.invoker.calls.filter(c => c.appId === 'payment')).toHaveLength(1);
    const listed = await request(t.server).get('/orders?customerId=c-1').expect(200);
    expect(listed.body.orders).toHaveLength(1);
  });

  it('the same key with another body is 409; without a key every POST is a new order', async () => {
    const t = setup();
    chain(t);
    await request(t.server).post('/orders?flow=sync').set('Idempotency-Key', 'k-2').send(body).expect(201);
    const other = { ...body, customerId: 'c-2' };
    await request(t.server).post('/orders?flow=sync').set('Idempotency-Key', 'k-2').send(other).expect(409);
    await request(t.server).post('/orders?flow=sync').send(body).expect(201);
    await request(t.server).post('/orders?flow=sync').send(body).expect(201);
    expect((await request(t.server).get('/orders?customerId=c-1').expect(200)).body.orders).toHaveLength(3);
  });
});
