// order's real answers against its declared API (packages/contracts): a drift between a schema and what the app
// sends fails here, and so does an answer with a status the document does not list.
import request from 'supertest';
import {
  buildEvent,
  DeliveryStarted,
  OrderCreated,
  orderApi,
  PaymentCompleted,
  PaymentFailed,
  type CloudEvent,
} from '@lab/contracts';
import { openApiDocument, SidecarUnavailableError } from '@lab/kit';
import { declaredAnswers, deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

const ADMIN = { Authorization: 'Bearer tok' };
const body = { customerId: 'c-1', items: [{ sku: 'book', quantity: 2, unitPrice: 1500 }] };
const { declared, unseen } = declaredAnswers(orderApi);

function setup(env: Record<string, string> = {}) {
  const dapr = memoryDapr();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const config = loadConfig({ ADMIN_TOKEN: 'tok', ORDER_MAX_REANNOUNCEMENTS: '1', ...env });
  const server = createApp({ config, log: silentLogger(), dapr, now: () => new Date(clock) }).callback();
  const deliver = (topic: string, e: CloudEvent) => deliverTo(server, topic, e).expect(200);
  const place = async (key?: string) => {
    const res = declared(
      'placeOrder',
      await (key ? request(server).post('/orders').set('Idempotency-Key', key) : request(server).post('/orders')).send(
        body,
      ),
    );
    expect(res.status).toBe(202);
    return res.body.orderId as string;
  };
  const recordAll = async () => {
    for (const e of dapr.bus.of(OrderCreated.topic)) await deliver(OrderCreated.topic, e);
  };
  return { dapr, server, deliver, place, recordAll, advance: (ms: number) => (clock += ms) };
}

const at = () => new Date().toISOString();
const get = (server: ReturnType<typeof setup>['server'], path: string) => request(server).get(path).set(ADMIN);

describe("order's answers match its OpenAPI document", () => {
  it('POST /orders: 202, a replay, and the error bodies', async () => {
    const t = setup();
    const id = await t.place('k-1');
    await t.recordAll();
    await t.deliver(
      DeliveryStarted.topic,
      buildEvent(
        DeliveryStarted,
        { orderId: id, deliveryId: 'd-1', customerId: 'c-1', startedAt: at() },
        { source: 'd' },
      ),
    );
    const replay = declared(
      'placeOrder',
      await request(t.server).post('/orders').set('Idempotency-Key', 'k-1').send(body),
    );
    expect(replay.body).toEqual({ orderId: id, status: 'SHIPPED' });
    const post = (b: unknown, type = 'application/json') =>
      request(t.server)
        .post('/orders')
        .set('Content-Type', type)
        .send(typeof b === 'string' ? b : JSON.stringify(b));
    expect(declared('placeOrder', await post({ items: [] })).status).toBe(400);
    expect(declared('placeOrder', await post('{oops')).status).toBe(400);
    expect(declared('placeOrder', await post('hi', 'text/plain')).status).toBe(415);
    expect(declared('placeOrder', await post({ ...body, customerId: 'x'.repeat(70_000) })).status).toBe(413);
    const reused = await request(t.server)
      .post('/orders')
      .set('Idempotency-Key', 'k-1')
      .send({ ...body, customerId: 'c-2' });
    expect(declared('placeOrder', reused).status).toBe(409);
    t.dapr.bus.failNext = 1;
    expect(declared('placeOrder', await post(body)).status).toBe(500);
    t.dapr.bus.publish = async () => {
      throw new SidecarUnavailableError('daprd did not answer', 'unknown');
    };
    expect(declared('placeOrder', await post(body)).status).toBe(503);
  });

  it('POST /orders?flow=sync: 201, a replay, 502 and 504', async () => {
    const t = setup();
    const routes = t.dapr.invoker.routes;
    routes.set('payment', async () => ({ status: 200, body: { status: 'COMPLETED' } }));
    routes.set('delivery', async () => ({ status: 200, body: { deliveryId: 'd-1' } }));
    routes.set('notification', async () => ({ status: 200, body: {} }));
    const sync = () => request(t.server).post('/orders?flow=sync').set('Idempotency-Key', 'k-s').send(body);
    const first = declared('placeOrder', await sync());
    expect(first.status).toBe(201);
    expect(declared('placeOrder', await sync()).headers['idempotent-replayed']).toBe('true');
    declared('getOrder', await request(t.server).get(`/orders/${first.body.orderId}`).expect(200));
    routes.set('payment', async () => ({ status: 200, body: { status: 'FAILED', reason: 'card declined' } }));
    const declined = declared('placeOrder', await request(t.server).post('/orders?flow=sync').send(body));
    expect(declined.body.status).toBe('CANCELLED');
    declared('getOrder', await request(t.server).get(`/orders/${declined.body.orderId}`).expect(200));
    routes.set('payment', async () => ({ status: 500, body: {} }));
    expect(
      declared('placeOrder', await request(t.server).post('/orders').set('X-Flow', 'sync').send(body)).status,
    ).toBe(502);
    routes.set('payment', async () => {
      throw new Error('timeout');
    });
    expect(declared('placeOrder', await request(t.server).post('/orders?flow=sync').send(body)).status).toBe(504);
  });

  it('GET /orders/{orderId}, GET /orders?customerId= and the timeline, in every status', async () => {
    const t = setup();
    const [pending, paid, cancelled] = [await t.place(), await t.place(), await t.place()];
    await t.recordAll();
    const pay = { customerId: 'c-1', amount: 3000 };
    await t.deliver(
      PaymentCompleted.topic,
      buildEvent(PaymentCompleted, { ...pay, orderId: paid, paymentId: 'p-1', completedAt: at() }, { source: 'p' }),
    );
    await t.deliver(
      PaymentFailed.topic,
      buildEvent(PaymentFailed, { ...pay, orderId: cancelled, reason: 'declined', failedAt: at() }, { source: 'p' }),
    );
    for (const id of [pending, paid, cancelled])
      declared('getOrder', await request(t.server).get(`/orders/${id}`).expect(200));
    expect(declared('getOrder', await request(t.server).get('/orders/nope')).status).toBe(404);
    expect(declared('getOrder', await request(t.server).get('/orders/x%7C%7Cy')).status).toBe(400);
    const list = declared('listCustomerOrders', await request(t.server).get('/orders?customerId=c-1').expect(200));
    expect(list.body.orders).toHaveLength(3);
    expect(declared('listCustomerOrders', await request(t.server).get('/orders?customerId=')).status).toBe(400);

    t.dapr.invoker.routes.set('audit', async () => ({
      status: 200,
      body: {
        entries: [
          { eventId: 'e-1', name: 'OrderCreated', type: OrderCreated.type, source: 'order', time: at(), traceId: 'ab' },
          { eventId: 'e-2', name: 'PaymentCompleted', type: PaymentCompleted.type, source: 'payment', time: at() },
        ],
      },
    }));
    declared('getOrderTimeline', await request(t.server).get(`/orders/${paid}/timeline`).expect(200));
    expect(declared('getOrderTimeline', await request(t.server).get('/orders/nope/timeline')).status).toBe(404);
    t.dapr.invoker.routes.set('audit', async () => ({ status: 500, body: {} }));
    expect(declared('getOrderTimeline', await request(t.server).get(`/orders/${paid}/timeline`)).status).toBe(503);
  });

  it('the admin routes: placed orders, the open-orders watch and its sweep, 401 and 403', async () => {
    const t = setup({ ORDER_STALE_AFTER_MS: '60000' });
    await t.place();
    await t.place();
    await t.recordAll();
    declared('listPlacedOrders', await get(t.server, '/admin/orders').expect(200));
    expect(declared('listPlacedOrders', await get(t.server, '/admin/orders?from=soon')).status).toBe(400);
    t.advance(60_000);
    const swept = declared('sweepOpenOrders', await request(t.server).post('/admin/open-orders/sweep').set(ADMIN));
    expect(swept.body.reannounced).toHaveLength(2);
    const report = declared('getOpenOrders', await get(t.server, '/admin/open-orders').expect(200));
    const stuck = expect.objectContaining({ reannouncements: 1, lastReannouncedAt: expect.any(String) });
    expect(report.body.stuck).toEqual([stuck, stuck]);
    expect(declared('getOpenOrders', await request(t.server).get('/admin/open-orders')).status).toBe(401);
    const off = setup({ ADMIN_TOKEN: '' });
    expect(declared('listPlacedOrders', await get(off.server, '/admin/orders')).status).toBe(403);
  });

  it("the shell's routes: health, readiness, fault knobs, deliveries and GET /openapi.json", async () => {
    const t = setup();
    declared('healthz', await request(t.server).get('/healthz').expect(200));
    declared('readyz', await request(t.server).get('/readyz').expect(200));
    await t.place();
    await t.recordAll();
    declared('getDeliveries', await get(t.server, '/admin/deliveries').expect(200));
    declared('getFaults', await get(t.server, '/admin/faults').expect(200));
    declared('setFaults', await request(t.server).put('/admin/faults').set(ADMIN).send({ latencyMs: 0 }).expect(200));
    expect(declared('setFaults', await request(t.server).put('/admin/faults').set(ADMIN).send({ x: 1 })).status).toBe(
      400,
    );
    const doc = declared('getOpenApi', await request(t.server).get('/openapi.json').expect(200));
    expect(doc.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(orderApi))));
    // Every request failed by the knobs, the document is still served: a client needs it to call the API at all.
    await request(t.server).put('/admin/faults').set(ADMIN).send({ errorRate: 1 }).expect(200);
    expect(declared('getOpenApi', await request(t.server).get('/openapi.json')).status).toBe(200);
    expect(declared('getOrder', await request(t.server).get('/orders/o-1')).status).toBe(503);
    t.dapr.sidecarUp = false;
    expect(declared('readyz', await request(t.server).get('/readyz')).status).toBe(503);
  });

  it('parsed every answer the document declares (its errors aside) from a real one', () => {
    expect(unseen()).toEqual([]);
  });
});
