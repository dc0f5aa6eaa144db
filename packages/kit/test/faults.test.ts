import request from 'supertest';
import { OrderCreated } from '@lab/contracts';
import { createHttpShell, defineService, Faults, loadServiceConfig, NO_FAULTS, on, silentLogger } from '../src';
import { memoryDapr } from '../src/testing';

describe('Faults.plan()', () => {
  it('adds fixed latency plus jitter', () => {
    const f = new Faults({ ...NO_FAULTS, latencyMs: 100, jitterMs: 50 }, () => 0.5);
    expect(f.plan()).toEqual({ delayMs: 125, fail: false });
  });

  it('fails the share of requests the error rate asks for', () => {
    const draws = [0.1, 0.9];
    const f = new Faults({ ...NO_FAULTS, errorRate: 0.5 }, () => draws.shift()!);
    expect(f.plan().fail).toBe(true);
    expect(f.plan().fail).toBe(false);
  });

  it('drops the share of event deliveries the drop rate asks for, one draw per event', () => {
    const draws = [0.2, 0.7, 0.1];
    const f = new Faults({ ...NO_FAULTS, dropRate: 0.5 }, () => draws.shift()!);
    expect([f.dropDelivery(), f.dropDelivery(), f.dropDelivery()]).toEqual([true, false, true]);
    expect(new Faults(NO_FAULTS, () => 0).dropDelivery()).toBe(false);
  });

  it('caps throughput: requests beyond maxRps wait for their slot', () => {
    const f = new Faults({ ...NO_FAULTS, maxRps: 10 }, Math.random, () => 1000);
    expect([f.plan(), f.plan(), f.plan()].map(p => p.delayMs)).toEqual([0, 100, 200]);
  });
});

describe('/admin/faults', () => {
  let handled = 0;
  const shell = (adminToken?: string) => {
    const s = createHttpShell({
      config: { service: 't', adminToken, faults: NO_FAULTS },
      log: silentLogger(),
      ready: async () => true,
    });
    s.router.get('/work', ctx => {
      ctx.body = { ok: true };
    });
    s.router.get('/openapi.json', ctx => {
      ctx.body = { openapi: '3.1.1' };
    });
    return s.finish().callback();
  };

  it('needs the admin token, and is off without one', async () => {
    await request(shell('tok')).get('/admin/faults').expect(401);
    await request(shell('tok')).get('/admin/faults').set('Authorization', 'Bearer nope').expect(401);
    await request(shell()).get('/admin/faults').set('Authorization', 'Bearer x').expect(403);
  });

  it('switches faults at runtime; health and the API document stay exempt', async () => {
    const app = shell('tok');
    const auth = { Authorization: 'Bearer tok' };
    await request(app).put('/admin/faults').set(auth).send({ errorRate: 1 }).expect(200);
    const res = await request(app).get('/work').expect(503);
    expect(res.body.error.code).toBe('injected_fault');
    await request(app).get('/healthz').expect(200);
    await request(app).get('/openapi.json').expect(200);
    await request(app).get('/openapi.jsonx').expect(503);
    await request(app).put('/admin/faults').set(auth).send({ errorRate: 2 }).expect(400);
    await request(app).put('/admin/faults').set(auth).send({}).expect(200);
    await request(app).get('/work').expect(200);
  });

  it('drops event deliveries (answered SUCCESS, never handled) at the drop rate; other requests run', async () => {
    const config = loadServiceConfig({ ADMIN_TOKEN: 'tok' }, 't', 3999);
    const app = defineService(
      { config, log: silentLogger(), dapr: memoryDapr() },
      {
        routes: r => r.get('/work', ctx => void (ctx.body = { ok: true })),
        subscriptions: [on(OrderCreated, async () => void (handled += 1))],
      },
    ).callback();
    await request(app).put('/admin/faults').set({ Authorization: 'Bearer tok' }).send({ dropRate: 1 }).expect(200);
    handled = 0;
    const res = await request(app).post('/events/order-created').send({ id: 'e-1' }).expect(200);
    expect(res.body).toMatchObject({ status: 'SUCCESS', dropped: expect.any(String) });
    expect(handled).toBe(0);
    await request(app).get('/work').expect(200);
  });
});
