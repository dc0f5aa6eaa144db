import request from 'supertest';
import {
  buildEvent,
  DeliveryStarted,
  FIRST_ANNOUNCEMENT_MS,
  OrderCreated,
  PaymentFailed,
  type CloudEvent,
} from '@lab/contracts';
import { deliver as deliverTo, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { dueAt, dueOrders } from '../src/domain/open-orders';

const ADMIN = { Authorization: 'Bearer tok' };
const body = { customerId: 'c-1', items: [{ sku: 'book', quantity: 2, unitPrice: 1500 }] };

function setup(env: Record<string, string> = {}) {
  const dapr = memoryDapr();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const app = createApp({
    config: loadConfig({ ADMIN_TOKEN: 'tok', ORDER_STALE_AFTER_MS: '60000', ...env }),
    log: silentLogger(),
    dapr,
    now: () => new Date(clock),
  });
  const server = app.callback();
  const deliver = (topic: string, e: CloudEvent) => deliverTo(server, topic, e).expect(200);
  const place = async () => {
    const res = await request(server).post('/orders').send(body).expect(202);
    for (const e of dapr.bus.of(OrderCreated.topic)) await deliver(OrderCreated.topic, e);
    return res.body.orderId as string;
  };
  const sweep = async () => (await request(server).post('/admin/open-orders/sweep').set(ADMIN).expect(200)).body;
  const advance = (ms: number) => {
    clock += ms;
  };
  return { app, dapr, server, deliver, place, sweep, advance };
}

describe('open orders: announced again when they wait too long', () => {
  it('re-announces a stale order with the very same OrderCreated, then waits twice as long', async () => {
    const t = setup();
    const id = await t.place();
    expect((await t.sweep()).reannounced).toEqual([]); // not stale yet
    t.advance(60_000);
    expect(await t.sweep()).toMatchObject({ open: 1, reannounced: [id] });
    const [first, again] = t.dapr.bus.of(OrderCreated.topic);
    expect(again).toMatchObject({ id: first!.id, data: first!.data, traceparent: first!.traceparent });
    t.advance(60_000);
    expect((await t.sweep()).reannounced).toEqual([]); // the second wait is 120 s
    t.advance(60_000);
    expect((await t.sweep()).reannounced).toEqual([id]);
  });

  it('forgets an order once it has an outcome', async () => {
    const t = setup();
    const shipped = await t.place();
    const cancelled = await t.place();
    const at = new Date().toISOString();
    await t.deliver(
      DeliveryStarted.topic,
      buildEvent(
        DeliveryStarted,
        { orderId: shipped, deliveryId: 'd', customerId: 'c-1', startedAt: at },
        { source: 'delivery' },
      ),
    );
    await t.deliver(
      PaymentFailed.topic,
      buildEvent(
        PaymentFailed,
        { orderId: cancelled, customerId: 'c-1', amount: 3000, reason: 'declined', failedAt: at },
        { source: 'payment' },
      ),
    );
    expect((await request(t.server).get('/admin/open-orders').set(ADMIN).expect(200)).body.open).toBe(0);
    t.advance(600_000);
    expect(await t.sweep()).toMatchObject({ open: 0, reannounced: [] });
  });

  it('lists an order as stuck after the last announcement, and announces it no more', async () => {
    const t = setup({ ORDER_MAX_REANNOUNCEMENTS: '2' });
    const id = await t.place();
    for (const wait of [60_000, 120_000]) {
      t.advance(wait);
      expect((await t.sweep()).reannounced).toEqual([id]);
    }
    t.advance(10 * 60_000);
    expect(await t.sweep()).toMatchObject({ reannounced: [], stuck: [id] });
    const status = (await request(t.server).get('/admin/open-orders').set(ADMIN).expect(200)).body;
    expect(status.stuck).toEqual([expect.objectContaining({ orderId: id, reannouncements: 2 })]);
    expect(t.dapr.bus.of(OrderCreated.topic)).toHaveLength(3);
  });

  it('ORDER_STALE_AFTER_MS=0 turns the watch off: no index, no sweep', async () => {
    const t = setup({ ORDER_STALE_AFTER_MS: '0' });
    await t.place();
    expect(t.dapr.state.keys().filter(k => k.startsWith('open-orders:'))).toEqual([]);
    t.advance(3_600_000);
    expect(await t.sweep()).toMatchObject({ open: 0, reannounced: [] });
    expect(t.app.tasks.map(x => x.everyMs)).toEqual([0]);
  });

  it('needs the admin token', async () => {
    const t = setup();
    await request(t.server).post('/admin/open-orders/sweep').expect(401);
    await request(t.server).get('/admin/open-orders').set('Authorization', 'Bearer nope').expect(401);
  });

  it('declares the sweep as a periodic task; createApp itself starts nothing', () => {
    const t = setup({ ORDER_SWEEP_EVERY_MS: '1500' });
    expect(t.app.tasks.map(x => ({ name: x.name, everyMs: x.everyMs }))).toEqual([
      { name: 'open-orders sweep', everyMs: 1500 },
    ]);
  });
});

describe('dueAt / dueOrders', () => {
  const p = { staleAfterMs: 1000, maxReannouncements: 3 };
  it('doubles the wait after each announcement and skips stuck orders', () => {
    const since = '2026-01-01T00:00:00.000Z';
    const t0 = Date.parse(since);
    expect(dueAt({ since, reannouncements: 0 }, p)).toBe(t0 + 1000);
    expect(dueAt({ since, reannouncements: 2, lastReannouncedAt: '2026-01-01T00:00:05.000Z' }, p)).toBe(
      t0 + 5000 + 4000,
    );
    const shard = {
      young: { since: '2026-01-01T00:00:09.500Z', reannouncements: 0 },
      old: { since, reannouncements: 0 },
      older: { since: '2025-12-31T23:59:59.000Z', reannouncements: 0 },
      stuck: { since, reannouncements: 3, lastReannouncedAt: since },
    };
    expect(dueOrders(shard, new Date(t0 + 10_000), p)).toEqual(['older', 'old']);
  });
});

describe('open orders: tracked from POST /orders (issue 13)', () => {
  it('an order whose own OrderCreated delivery to order was lost is announced again, and then recorded', async () => {
    const t = setup();
    const res = await request(t.server).post('/orders').send(body).expect(202);
    const id = res.body.orderId as string;
    // order's own delivery is lost: nothing is delivered back to it.
    await request(t.server).get(`/orders/${id}`).expect(404);
    t.advance(60_000);
    expect(await t.sweep()).toMatchObject({ reannounced: [id] });
    const [first, again] = t.dapr.bus.of(OrderCreated.topic);
    // The same event, to everyone: a minute after the fact its first announcement may not have reached the side
    // consumers either, and their duplicate windows still hold it where it did.
    expect(again).toEqual(first);
    await t.deliver(OrderCreated.topic, again!);
    expect((await request(t.server).get(`/orders/${id}`).expect(200)).body.status).toBe('PENDING');
  });

  it('a re-announcement made once the order is older than FIRST_ANNOUNCEMENT_MS goes only to the consumers that move it', async () => {
    const t = setup();
    const res = await request(t.server).post('/orders').send(body).expect(202);
    const id = res.body.orderId as string;
    t.advance(FIRST_ANNOUNCEMENT_MS);
    expect(await t.sweep()).toMatchObject({ reannounced: [id] });
    const [first, late] = t.dapr.bus.of(OrderCreated.topic);
    // Issue 13, class 5: the side consumers, whose duplicate memory is a window, acknowledge it unhandled.
    expect(late).toEqual({ ...first, addressedto: 'order,payment,delivery' });
  });

  it('GET /admin/open-orders lists a stuck order without the event it keeps', async () => {
    const t = setup({ ORDER_MAX_REANNOUNCEMENTS: '1' });
    await request(t.server).post('/orders').send(body).expect(202);
    t.advance(60_000);
    await t.sweep();
    const view = (await request(t.server).get('/admin/open-orders').set(ADMIN).expect(200)).body;
    expect(view.stuck).toHaveLength(1);
    expect(view.stuck[0]).not.toHaveProperty('created');
  });
});
