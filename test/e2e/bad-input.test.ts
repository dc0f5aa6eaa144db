// Bad input everywhere it can enter, while valid traffic flows: each gets a clear answer, nothing crashes,
// nothing valid is lost, and bad events land in the dead-letter desk with a reason.
import type { LocalSystem } from '@lab/runtime';
import { burst, http, publishVia, startSystem, systemCatalog, verifySystem } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

type Case = [string, string, string, unknown, number, string?, Record<string, string>?];

const big = 'x'.repeat(70 * 1024);
const item = { sku: 'a', quantity: 1, unitPrice: 1 };
const cases: Case[] = [
  ['order: no body', 'order', 'POST /orders', undefined, 400],
  ['order: malformed JSON', 'order', 'POST /orders', '{"customerId":', 400, 'malformed_json'],
  ['order: JSON string', 'order', 'POST /orders', '"hello"', 400, 'malformed_json'],
  ['order: array', 'order', 'POST /orders', [], 400, 'validation_failed'],
  ['order: missing customer', 'order', 'POST /orders', { items: [item] }, 400, 'validation_failed'],
  ['order: empty items', 'order', 'POST /orders', { customerId: 'c', items: [] }, 400, 'validation_failed'],
  ['order: quantity 0', 'order', 'POST /orders', { customerId: 'c', items: [{ ...item, quantity: 0 }] }, 400],
  ['order: fractional price', 'order', 'POST /orders', { customerId: 'c', items: [{ ...item, unitPrice: 1.5 }] }, 400],
  ['order: price as string', 'order', 'POST /orders', { customerId: 'c', items: [{ ...item, unitPrice: '1' }] }, 400],
  ['order: unknown field', 'order', 'POST /orders', { customerId: 'c', items: [item], x: 1 }, 400],
  ['order: 101 items', 'order', 'POST /orders', { customerId: 'c', items: Array(101).fill(item) }, 400],
  ['order: body over 64 KB', 'order', 'POST /orders', { customerId: big, items: [item] }, 413, 'payload_too_large'],
  [
    'order: text/plain',
    'order',
    'POST /orders',
    'customerId=c',
    415,
    'unsupported_media_type',
    { 'content-type': 'text/plain' },
  ],
  [
    'order: key too long',
    'order',
    'POST /orders',
    { customerId: 'c', items: [item] },
    400,
    'validation_failed',
    { 'idempotency-key': 'k'.repeat(201) },
  ],
  ['order: unknown id', 'order', 'GET /orders/nope', undefined, 404, 'not_found'],
  ['order: list without customer', 'order', 'GET /orders', undefined, 400],
  ['order: unknown route', 'order', 'GET /nope', undefined, 404, 'not_found'],
  ['order: wrong method', 'order', 'DELETE /orders', undefined, 405, 'method_not_allowed'],
  ['user: bad email', 'user', 'POST /users', { email: 'nope', name: 'N' }, 400],
  ['user: empty name', 'user', 'POST /users', { email: 'a@b.io', name: '   ' }, 400],
  ['user: unknown id', 'user', 'GET /users/nope', undefined, 404],
  // Only payment's sidecar may ask the gateway (issue 13): a client is refused before its body is read.
  [
    'gateway: a client asks for an authorisation',
    'gateway',
    'POST /authorizations',
    { orderId: 'o', customerId: 'c', amount: -1 },
    401,
    'unauthorized',
  ],
  ['audit: no query', 'audit', 'GET /audit', undefined, 400],
  ['audit: unknown type', 'audit', 'GET /audit?type=Nope', undefined, 400],
  ['notification: no recipient', 'notification', 'GET /notifications', undefined, 400],
  ['points: unknown account', 'points', 'GET /points/nobody', undefined, 404],
  ['sidecar route without token', 'payment', 'POST /events/order-created', {}, 401, 'unauthorized'],
  ['subscribe list without token', 'order', 'GET /dapr/subscribe', undefined, 401],
  ['admin without token', 'payment', 'GET /admin/faults', undefined, 401],
  [
    'admin with a wrong token',
    'payment',
    'GET /admin/faults',
    undefined,
    401,
    'unauthorized',
    { authorization: 'Bearer wrong' },
  ],
  ['dead-letter desk without token', 'audit', 'GET /admin/dead-letters', undefined, 401],
];

/** Events that break their contract, published through a sidecar as a faulty publisher would. */
const badEvents: [string, object][] = [
  [
    'order-created',
    { specversion: '1.0', id: 'bad-1', source: 'x', type: 'lab.order.created.v1', data: { orderId: 'o' } },
  ],
  ['order-created', { specversion: '1.0', id: 'bad-2', source: 'x', type: 'lab.order.created.v2', data: {} }],
  [
    'payment-completed',
    { specversion: '1.0', id: 'bad-3', source: 'x', type: 'lab.payment.completed.v1', data: { amount: -5 } },
  ],
  [
    'user-registered',
    { specversion: '1.0', id: 'bad-4', source: 'x', type: 'lab.user.registered.v1', data: { email: 'x' } },
  ],
];

describe('bad input with valid traffic flowing', () => {
  it(`answers each of ${cases.length} bad requests and dead-letters ${badEvents.length} bad events; valid orders all converge`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const traffic = burst(system.url('order'), 30, { concurrency: 2 });

    for (const [name, service, route, body, status, code, headers] of cases) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await http(method, `${system.url(service)}${path}`, body, headers);
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(typeof res.body).toBe('object'); // always a JSON body
      if (code) expect({ name, code: res.body.error?.code }).toEqual({ name, code });
      expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(js|ts):\d+/); // never a stack trace
    }
    for (const [topic, event] of badEvents) await publishVia(system, 'order', topic, event);

    // Every consumer of those topics sets each bad event aside with its reason.
    const subscribers = (topic: string) => systemCatalog().filter(s => s.subscribes.includes(topic)).length;
    const expected = badEvents.reduce((n, [topic]) => n + subscribers(topic), 0);
    const desk = `${system.url('audit')}/admin/dead-letters`;
    const auth = { authorization: `Bearer ${system.adminToken}` };
    let seen: any;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      seen = (await http('GET', desk, undefined, auth)).body;
      if (seen.count >= expected) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(seen.count).toBe(expected);
    for (const e of seen.entries) expect(e.reason).toMatch(/specversion|type|does not match/);
    const one = await http('GET', `${desk}/${seen.entries[0].id}`, undefined, auth);
    expect(one.body.original).toMatchObject({ specversion: '1.0' });

    const { accepted, refused } = await traffic;
    expect(refused).toBe(0);
    const report = await verifySystem(system, 'bad-input', { orderIds: accepted, expectedDeadLetters: expected });
    expect(report.problems).toEqual([]);
    expect(report.orders.lost).toBe(0);
    expect(report.duplicatedEffects).toBe(0);
    // The services are all still up.
    for (const s of system.services.values()) expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});
