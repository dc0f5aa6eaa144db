// The chaos HTTP API on an in-memory backend: auth, routing, validation and fault forwarding.
import request from 'supertest';
import { silentLogger } from '@lab/kit';
import { createChaosApp } from '../src/app';
import type { ActionResult, ChaosBackend } from '../src/backend';
import { faultsForwarder } from '../src/faults';
import type { Target } from '../src/targets';

const targets: Target[] = [
  { name: 'order', port: 3000 },
  { name: 'payment', port: 3002 },
];
const TOKEN = 'chaos-secret';
const auth = { Authorization: `Bearer ${TOKEN}` };

function fakeBackend() {
  const replicas = new Map([
    ['order', 2],
    ['payment', 1],
  ]);
  const calls: string[] = [];
  const act = (action: ActionResult['action'], service: string, next: number): ActionResult => {
    calls.push(`${action} ${service}`);
    const changed = replicas.get(service) !== next || action === 'kill';
    replicas.set(service, next);
    return { service, action, changed, replicas: next };
  };
  const backend: ChaosBackend = {
    list: async () => [...replicas].map(([name, n]) => ({ name, running: n > 0, replicas: n })),
    stop: async s => act('stop', s, 0),
    start: async s => act('start', s, 1),
    kill: async s => act('kill', s, replicas.get(s) ?? 0),
    instances: async s =>
      Array.from(
        { length: replicas.get(s) ?? 0 },
        (_, i) => `http://${s}-${i}:${targets.find(t => t.name === s)!.port}`,
      ),
    ready: async () => true,
  };
  return { backend, calls };
}

function build(fetchImpl?: typeof fetch) {
  const { backend, calls } = fakeBackend();
  const sent: { url: string; init: RequestInit }[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(JSON.stringify(JSON.parse(String(init.body))), { status: 200 });
  }) as unknown as typeof fetch;
  const forwardFaults = faultsForwarder({
    adminToken: 'admin-secret',
    instances: t => backend.instances(t.name),
    fetch: fetchImpl ?? fakeFetch,
  });
  const app = createChaosApp({ backend, targets, forwardFaults, chaosToken: TOKEN, log: silentLogger() });
  return { app: app.callback(), calls, sent };
}

describe('chaos API authentication', () => {
  it.each([
    ['GET', '/chaos/services'],
    ['POST', '/chaos/services/order/stop'],
    ['POST', '/chaos/services/nope/kill'],
    ['PUT', '/chaos/services/order/faults'],
  ])('%s %s without the token is 401 JSON', async (method, path) => {
    const { app, calls } = build();
    const res = await request(app)[method.toLowerCase() as 'get'](path);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(calls).toEqual([]);
  });

  // Issue 13, class 1: the router used to match case-insensitively while the guard compared a prefix, so these
  // stopped services without a token.
  it.each([
    ['POST', '/CHAOS/services/order/stop'],
    ['POST', '/cHaos/services/order/kill'],
    ['PUT', '/cHaos/services/order/faults'],
    ['POST', '//chaos/services/order/stop'],
    ['POST', '/%63haos/services/order/stop'],
    ['POST', '/%2563haos/services/order/stop'],
    ['POST', '/chaos/services/order/stop/'],
    ['POST', '/x/../chaos/services/order/stop'],
    ['GET', '/CHAOS/services'],
    ['GET', '/Chaos'],
  ])('%s %s (another spelling) without the token is 401 and touches nothing', async (method, path) => {
    const { app, calls, sent } = build();
    const res = await request(app)[method.toLowerCase() as 'get'](path).send({ dropRate: 1 });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(calls).toEqual([]);
    expect(sent).toEqual([]);
  });

  it.each(['/CHAOS/services/order/stop', '//chaos/services/order/stop', '/chaos/services/order/stop/'])(
    'POST %s with the token is 404: only the canonical spelling acts',
    async path => {
      const { app, calls } = build();
      const res = await request(app).post(path).set(auth);
      expect(res.status).toBe(404);
      expect(calls).toEqual([]);
    },
  );

  it('refuses a wrong token', async () => {
    const res = await request(build().app).get('/chaos/services').set('Authorization', 'Bearer nope');
    expect(res.status).toBe(401);
  });

  it('leaves the health endpoints open for the kubelet', async () => {
    const res = await request(build().app).get('/healthz');
    expect(res.status).toBe(200);
  });
});

describe('GET /chaos/services', () => {
  it('lists every service with running and replicas', async () => {
    const res = await request(build().app).get('/chaos/services').set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      services: [
        { name: 'order', running: true, replicas: 2 },
        { name: 'payment', running: true, replicas: 1 },
      ],
    });
  });
});

describe('POST /chaos/services/:name/(stop|start|kill)', () => {
  it('stops, then starts, through the backend', async () => {
    const { app, calls } = build();
    const stop = await request(app).post('/chaos/services/order/stop').set(auth);
    expect(stop.body).toEqual({ service: 'order', action: 'stop', changed: true, replicas: 0 });
    const list = await request(app).get('/chaos/services').set(auth);
    expect(list.body.services[0]).toEqual({ name: 'order', running: false, replicas: 0 });
    await request(app).post('/chaos/services/order/start').set(auth).expect(200);
    expect(calls).toEqual(['stop order', 'start order']);
  });

  it('kills', async () => {
    const { app, calls } = build();
    await request(app).post('/chaos/services/payment/kill').set(auth).expect(200);
    expect(calls).toEqual(['kill payment']);
  });

  it('is 404 for a service outside its list, and touches nothing', async () => {
    const { app, calls } = build();
    const res = await request(app).post('/chaos/services/kube-apiserver/kill').set(auth);
    expect(res.status).toBe(404);
    expect(calls).toEqual([]);
  });
});

describe('PUT /chaos/services/:name/faults', () => {
  it("forwards the same body to the service's /admin/faults with the admin token", async () => {
    const { app, sent } = build();
    const body = { latencyMs: 200, jitterMs: 50, errorRate: 0.2, maxRps: 10 };
    const res = await request(app).put('/chaos/services/payment/faults').set(auth).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ service: 'payment', faults: body, instances: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('http://payment-0:3002/admin/faults');
    expect(sent[0]!.init.method).toBe('PUT');
    expect((sent[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer admin-secret');
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual(body);
  });

  it('sets them on every instance of a service that runs more than one (the knobs live in each process)', async () => {
    const { app, sent } = build();
    const res = await request(app).put('/chaos/services/order/faults').set(auth).send({ dropRate: 0.5 });
    expect(res.status).toBe(200);
    expect(res.body.instances).toBe(2);
    expect(sent.map(x => x.url).sort()).toEqual([
      'http://order-0:3000/admin/faults',
      'http://order-1:3000/admin/faults',
    ]);
  });

  it('answers 409 when no instance runs, sending nothing', async () => {
    const { app, sent } = build();
    expect((await request(app).post('/chaos/services/payment/stop').set(auth)).status).toBe(200);
    const res = await request(app).put('/chaos/services/payment/faults').set(auth).send({ latencyMs: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'not_running', message: expect.stringContaining('payment') });
    expect(sent).toEqual([]);
  });

  it.each([
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ latencyMs: -1 }, 'latencyMs'],
    [{ latencyMs: 1.5 }, 'latencyMs'],
    [{ chaos: true }, '(root)'],
  ])('refuses %j before calling the service', async (body, field) => {
    const { app, sent } = build();
    const res = await request(app).put('/chaos/services/order/faults').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(sent).toEqual([]);
  });

  it('answers 502 when the service refuses or cannot be reached', async () => {
    const refusing = (async () => new Response('{}', { status: 401 })) as unknown as typeof fetch;
    const res = await request(build(refusing).app).put('/chaos/services/order/faults').set(auth).send({ latencyMs: 1 });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('order at http://order-0:3000 answered 401');
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const res2 = await request(build(down).app).put('/chaos/services/order/faults').set(auth).send({ latencyMs: 1 });
    expect(res2.status).toBe(502);
    expect(res2.body.error.code).toBe('upstream_unreachable');
  });
});
