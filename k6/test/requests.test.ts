// The requests the scenarios send, built without k6: headers (tokens, Idempotency-Key), URLs, tags, and bodies valid
// against the schemas the services validate with.
import { Id, PlaceOrderRequest, RegisterRequest } from '@lab/contracts';
import { FaultSettings } from '@lab/kit';
import * as chaos from '../lib/chaos.ts';
import { readEnv, runId } from '../lib/env.ts';
import * as orders from '../lib/orders.ts';
import { idOf } from '../lib/payloads.ts';
import * as users from '../lib/users.ts';

const env = readEnv({
  BASE_URL: 'http://order.test:3000/',
  USER_URL: 'http://user.test:3001',
  CHAOS_URL: 'http://chaos.test:3100//',
  CHAOS_TOKEN: 'secret-token',
});
const body = (r: { body: string | null }) => JSON.parse(r.body ?? 'null') as unknown;

describe('environment', () => {
  it('defaults to the local runtime, trims trailing slashes, reads SHORT as 1 or true', () => {
    expect(readEnv({})).toEqual({
      BASE_URL: 'http://127.0.0.1:3000',
      USER_URL: 'http://127.0.0.1:3001',
      CHAOS_URL: 'http://127.0.0.1:3099',
      CHAOS_TOKEN: '',
      SHORT: false,
      REPORT_DIR: 'k6/reports',
    });
    expect(env.BASE_URL).toBe('http://order.test:3000');
    expect(env.CHAOS_URL).toBe('http://chaos.test:3100');
    expect([readEnv({ SHORT: '1' }).SHORT, readEnv({ SHORT: 'true' }).SHORT, readEnv({ SHORT: 'yes' }).SHORT]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('makes run ids and scoped ids that the contracts accept as ids (state keys)', () => {
    expect(runId(0, () => 0)).toBe('0-0');
    const run = runId(Date.UTC(2026, 11, 3), () => 0.999999);
    for (const scope of ['smoke', 'smoke-key', 'load', 'iso', 'iso-sync', 'iso-baseline', 'burst', 'conv']) {
      expect(Id.safeParse(idOf(scope, run, 99)).success).toBe(true);
    }
    expect(runId()).not.toBe(runId(1));
  });
});

describe("order's requests", () => {
  it('POST /orders: a body PlaceOrderRequest accepts, JSON, flow event, 202 expected', () => {
    const r = orders.placeOrder(env, 'customer-1');
    expect(r).toMatchObject({ method: 'POST', url: 'http://order.test:3000/orders', expect: [202] });
    expect(r.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(r.tags).toEqual({ flow: 'event', name: 'POST /orders' });
    expect(PlaceOrderRequest.parse(body(r))).toEqual({
      customerId: 'customer-1',
      items: [{ sku: 'book', quantity: 1, unitPrice: 1200 }],
    });
  });

  it('sends an Idempotency-Key only when given one, and the scenarios build keys the contracts accept', () => {
    const key = idOf('smoke-key', runId(), 0);
    const r = orders.placeOrder(env, 'c', { idempotencyKey: key });
    expect(r.headers['Idempotency-Key']).toBe(key);
    expect(Id.safeParse(r.headers['Idempotency-Key']).success).toBe(true);
    expect(orders.placeOrder(env, 'c').headers).not.toHaveProperty('Idempotency-Key');
  });

  it('?flow=sync: 201 expected, flow sync; a phase tag is added, never replacing flow or name', () => {
    const r = orders.placeOrderSync(env, 'c', { tags: { phase: 'fault', flow: 'event', name: 'x' } });
    expect(r).toMatchObject({ method: 'POST', url: 'http://order.test:3000/orders?flow=sync', expect: [201] });
    expect(r.tags).toEqual({ phase: 'fault', flow: 'sync', name: 'POST /orders?flow=sync' });
    expect(PlaceOrderRequest.safeParse(body(r)).success).toBe(true);
  });

  it('reads: ids encoded into the URL, never into a tag (one name per route), no body', () => {
    const odd = 'a b/c';
    const get = orders.getOrder(env, odd);
    expect(get).toMatchObject({ method: 'GET', body: null, expect: [200, 404] });
    expect(get.url).toBe('http://order.test:3000/orders/a%20b%2Fc');
    expect(orders.timeline(env, odd).url).toBe('http://order.test:3000/orders/a%20b%2Fc/timeline');
    expect(orders.ordersOf(env, 'x&y=1').url).toBe('http://order.test:3000/orders?customerId=x%26y%3D1');
    for (const r of [get, orders.timeline(env, odd), orders.ordersOf(env, odd)]) {
      expect(r.tags.flow).toBe('read');
      expect(r.tags.name).not.toContain(odd);
    }
  });
});

describe("user's request", () => {
  it('POST /users: a body RegisterRequest accepts, for the e-mail addresses the scenarios make', () => {
    const email = `${idOf('load', runId(), 12345)}@example.com`;
    const r = users.signUp(env, email);
    expect(r).toMatchObject({ method: 'POST', url: 'http://user.test:3001/users', expect: [202] });
    expect(r.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(r.tags).toEqual({ flow: 'signup', name: 'POST /users' });
    expect(RegisterRequest.parse(body(r))).toEqual({ email, name: 'k6 user' });
  });
});

describe("the chaos API's requests", () => {
  it('carry the bearer token; the unauthenticated probe carries none and expects 401', () => {
    const list = chaos.listServices(env);
    expect(list).toMatchObject({ method: 'GET', url: 'http://chaos.test:3100/chaos/services', expect: [200] });
    expect(list.headers.Authorization).toBe('Bearer secret-token');
    const probe = chaos.listServicesUnauthenticated(env);
    expect(probe.headers).toEqual({});
    expect(probe.expect).toEqual([401]);
    expect(probe.url).toBe(list.url);
  });

  it('stop, start and kill a service by name; the route is the tag, not the service', () => {
    for (const action of ['stop', 'start', 'kill'] as const) {
      const r = chaos.act(env, 'notification', action);
      expect(r).toMatchObject({ method: 'POST', url: `http://chaos.test:3100/chaos/services/notification/${action}` });
      expect(r.headers.Authorization).toBe('Bearer secret-token');
      expect(r.tags).toEqual({ flow: 'chaos', name: `POST ${action}` });
    }
  });

  it("sets faults with a body the fault knobs' schema accepts; {} clears them", () => {
    const r = chaos.setFaults(env, 'payment', { maxRps: 10 });
    expect(r).toMatchObject({ method: 'PUT', url: 'http://chaos.test:3100/chaos/services/payment/faults' });
    expect(FaultSettings.parse(body(r))).toMatchObject({ maxRps: 10, latencyMs: 0 });
    expect(FaultSettings.parse(body(chaos.setFaults(env, 'payment', {})))).toMatchObject({ maxRps: 0 });
  });

  it('an empty token still sends the header (the API refuses it, the scenario that needs one says so)', () => {
    expect(chaos.listServices(readEnv({})).headers.Authorization).toBe('Bearer ');
  });
});
