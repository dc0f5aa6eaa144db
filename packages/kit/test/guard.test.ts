// The one access guard: every spelling of a guarded prefix needs its credential, before routing.
import request from 'supertest';
import { createHttpShell, normalisePath, sameSecret, silentLogger, NO_FAULTS } from '../src';

const APP = 'app-token';
const ADMIN = 'admin-token';

/** A shell with one handler per guarded prefix; `hits` records every handler that ran. */
function build() {
  const shell = createHttpShell({
    config: { service: 't', adminToken: ADMIN, appApiToken: APP, faults: NO_FAULTS },
    log: silentLogger(),
    ready: async () => true,
    guard: [{ prefix: 'authorizations', credential: 'sidecar', methods: ['POST'] }],
  });
  const hits: string[] = [];
  const handle = (name: string) => (ctx: { body: unknown }) => {
    hits.push(name);
    ctx.body = { ran: name };
  };
  shell.router.post('/events/order-created', handle('event'));
  shell.router.post('/sync/payments', handle('sync'));
  shell.router.post('/authorizations', handle('authorize'));
  shell.router.get('/authorizations/:id', handle('read'));
  shell.router.get('/orders', handle('orders'));
  return { app: shell.finish().callback(), hits, deliveries: shell.deliveries };
}

describe('normalisePath', () => {
  it.each([
    ['/CHAOS/services/x/stop', '/chaos/services/x/stop'],
    ['//chaos//services/x', '/chaos/services/x'],
    ['/%63haos/services', '/chaos/services'],
    ['/%2563haos/services', '/chaos/services'],
    ['/admin/../admin/faults', '/admin/faults'],
    ['/x/../Admin/./faults/', '/admin/faults'],
    ['/%2e%2e/admin', '/admin'],
    ['/sync\\payments', '/sync/payments'],
    ['/', '/'],
  ])('%s -> %s', (raw, want) => {
    expect(normalisePath(raw)).toBe(want);
  });

  it('refuses what cannot be decoded', () => {
    expect(normalisePath('/%E0%A4%A')).toBeUndefined();
  });
});

describe('sameSecret', () => {
  it('is true only for the same bytes, whatever the lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
    expect(sameSecret('abcd', 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});

describe('the access guard, before routing', () => {
  const hostile: [string, string][] = [
    ['POST', '/events/order-created'],
    ['POST', '/EVENTS/order-created'],
    ['POST', '//events/order-created'],
    ['POST', '/%65vents/order-created'],
    ['POST', '/sync/payments'],
    ['POST', '/Sync/Payments'],
    ['POST', '/sync/payments/'],
    ['POST', '/x/../sync/payments'],
    ['POST', '/authorizations'],
    ['POST', '/AUTHORIZATIONS'],
    ['GET', '/dapr/subscribe'],
    ['GET', '/DAPR/subscribe'],
    ['GET', '/admin/faults'],
    ['PUT', '/ADMIN/faults'],
    ['PUT', '/admin/../admin/faults'],
    ['GET', '//admin//deliveries'],
    ['GET', '/%61dmin/deliveries'],
  ];

  it.each(hostile)('%s %s without a credential is 401 JSON and runs nothing', async (method, path) => {
    const { app, hits } = build();
    const res = await request(app)[method.toLowerCase() as 'get'](path).send();
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(hits).toEqual([]);
  });

  it.each([
    ['POST', '/SYNC/payments'],
    ['POST', '//sync/payments'],
    ['POST', '/sync/payments/'],
    ['POST', '/%73ync/payments'],
  ])('%s %s with the token is 404: routing is strict and case-sensitive', async (method, path) => {
    const { app, hits } = build();
    const res = await request(app)[method.toLowerCase() as 'post'](path).set('dapr-api-token', APP).send({});
    expect(res.status).toBe(404);
    expect(hits).toEqual([]);
  });

  it('lets the credential through to the canonical route', async () => {
    const { app, hits } = build();
    await request(app).post('/sync/payments').set('dapr-api-token', APP).send({}).expect(200);
    await request(app).get('/admin/faults').set('authorization', `Bearer ${ADMIN}`).expect(200);
    expect(hits).toEqual(['sync']);
  });

  it('refuses a wrong token of the right length, and the admin token where the app token is needed', async () => {
    const { app } = build();
    await request(app).post('/sync/payments').set('dapr-api-token', 'x'.repeat(APP.length)).expect(401);
    await request(app).post('/sync/payments').set('authorization', `Bearer ${ADMIN}`).expect(401);
    await request(app).get('/admin/faults').set('dapr-api-token', APP).expect(401);
  });

  it('guards only the methods a rule names; public routes stay open', async () => {
    const { app, hits } = build();
    await request(app).get('/authorizations/o-1').expect(200);
    await request(app).get('/orders').expect(200);
    await request(app).get('/healthz').expect(200);
    expect(hits).toEqual(['read', 'orders']);
  });

  it('answers 400 for a path that is not valid percent-encoding', async () => {
    const res = await request(build().app).get('/orders/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_path');
  });
});

describe('delivery counters', () => {
  it('count only deliveries that passed the token check, and only for topics with a route', async () => {
    const { app, deliveries } = build();
    await request(app).post('/events/order-created').send({ id: 'e-1' }).expect(401);
    await request(app).post('/events/made-up-topic').set('dapr-api-token', APP).send({ id: 'e-2' }).expect(404);
    await request(app).post('/events/order-created').set('dapr-api-token', APP).send({ id: 'e-3' }).expect(200);
    expect(deliveries.snapshot()).toEqual({ 'order-created': { deliveries: 1, distinct: 1, redeliveries: 0 } });
  });
});
