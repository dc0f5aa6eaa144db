// Hostile input (issue 13, part A: classes 1, 2, 3, 4, 10), sent to a real system while good traffic flows: each
// gets a 4xx with a JSON body naming the problem and changes nothing, and the good orders all converge with the
// verifier green.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redisCliEnv, startChaosServer, waitFor, type LocalSystem } from '@lab/runtime';
import { burst, http as json, publishVia, startSystem, systemCatalog, verifySystem } from './helpers';

let system: LocalSystem;
let chaos: Server;
const CHAOS_TOKEN = 'hostile-chaos-token';

beforeAll(async () => {
  system = await startSystem();
  chaos = await startChaosServer(system, { port: 0, token: CHAOS_TOKEN });
});

afterAll(async () => {
  await new Promise(r => chaos?.close(r));
  await system?.stop();
});

interface Answer {
  status: number;
  body: any;
}

/** One request with the path sent byte for byte (fetch would resolve `..` and collapse nothing else). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  return new Promise<Answer>((resolve, reject) => {
    // A GET with a body is refused by Node's own parser (400, no JSON): send none, as a client would.
    const data = body === undefined || method === 'GET' ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) },
        timeout: 10_000,
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const portOf = (service: string) => system.service(service).ports.app;
const chaosPort = () => (chaos.address() as AddressInfo).port;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** Every hostile request sent, with what it got: the suite's tally (printed at the end). */
const tally: { klass: number; what: string; status: number }[] = [];

async function expect4xx(
  klass: number,
  what: string,
  answer: Promise<Answer>,
  status: number,
  names: RegExp,
): Promise<Answer> {
  const a = await answer;
  tally.push({ klass, what, status: a.status });
  expect({ what, status: a.status, ...(a.status === status ? {} : { body: a.body }) }).toEqual({ what, status });
  expect(typeof a.body).toBe('object');
  expect(JSON.stringify(a.body.error)).toMatch(names);
  return a;
}

const item = { sku: 'book', quantity: 1, unitPrice: 1000 };
const anOrderBody = (orderId: string, total = 1) => ({
  orderId,
  customerId: 'c-hostile',
  items: [{ sku: 'a', quantity: 1, unitPrice: total }],
  totalAmount: total,
  createdAt: new Date().toISOString(),
});

describe('hostile input while good traffic flows', () => {
  it('refuses every hostile request with a 4xx naming the problem; the good orders all converge', async () => {
    const traffic = burst(system.url('order'), 30, { concurrency: 2 });

    // Class 1: a guarded prefix in any spelling, without its credential, is 401 (never the action).
    const chaosPaths = [
      ['POST', '/CHAOS/services/notification/stop'],
      ['POST', '/cHaos/services/notification/kill'],
      ['POST', '//chaos/services/notification/stop'],
      ['POST', '/%63haos/services/notification/stop'],
      ['POST', '/chaos/services/notification/stop/'],
      ['POST', '/x/../chaos/services/notification/stop'],
      ['PUT', '/cHaos/services/points/faults'],
      ['GET', '/CHAOS/services'],
    ] as const;
    for (const [method, path] of chaosPaths) {
      await expect4xx(1, `${method} ${path}`, raw(chaosPort(), method, path, {}, { dropRate: 1 }), 401, /unauthorized/);
    }
    // With the token, only the canonical spelling acts: another spelling is 404.
    for (const path of ['/CHAOS/services/notification/stop', '//chaos/services/notification/stop']) {
      await expect4xx(1, `POST ${path} (token)`, raw(chaosPort(), 'POST', path, bearer(CHAOS_TOKEN)), 404, /not_found/);
    }
    const adminPaths = [
      ['PUT', '/ADMIN/faults'],
      ['PUT', '/admin/../admin/faults'],
      ['PUT', '//admin/faults'],
      ['PUT', '/%61dmin/faults'],
      ['GET', '/Admin/deliveries'],
      ['GET', '/admin/dead-letters/'],
    ] as const;
    for (const [method, path] of adminPaths) {
      await expect4xx(
        1,
        `points ${method} ${path}`,
        raw(portOf('points'), method, path, {}, { dropRate: 1 }),
        401,
        /unauthorized/,
      );
    }
    for (const [service, path] of [
      ['payment', '/EVENTS/order-created'],
      ['payment', '//events/order-created'],
      ['order', '/DAPR/subscribe'],
      ['delivery', '/Sync/deliveries'],
    ] as const) {
      await expect4xx(1, `${service} POST ${path}`, raw(portOf(service), 'POST', path, {}, {}), 401, /unauthorized/);
    }
    const admin = bearer(system.adminToken);
    // Nothing acted: notification still runs, points has no faults.
    const list = await json('GET', `http://127.0.0.1:${chaosPort()}/chaos/services`, undefined, bearer(CHAOS_TOKEN));
    expect(list.body.services).toContainEqual({ name: 'notification', running: true });
    expect((await json('GET', `${system.url('points')}/admin/faults`, undefined, admin)).body.dropRate).toBe(0);

    // Class 2: the synchronous chain's routes and the gateway take only the sidecar's token.
    const cheap = anOrderBody('hostile-race', 1);
    for (const [service, path, body] of [
      ['payment', '/sync/payments', cheap],
      ['delivery', '/sync/deliveries', cheap],
      ['notification', '/sync/notifications', { ...cheap, deliveryId: 'd-1' }],
      ['gateway', '/authorizations', { orderId: 'hostile-race', customerId: 'c', amount: 1 }],
    ] as const) {
      await expect4xx(
        2,
        `${service} POST ${path}`,
        raw(portOf(service), 'POST', path, {}, body),
        401,
        /dapr-api-token/,
      );
      // Even with the app token taken from somewhere, the sidecar's is the only one: the admin token is refused.
      await expect4xx(
        2,
        `${service} POST ${path} (admin token)`,
        raw(portOf(service), 'POST', path, admin, body),
        401,
        /dapr-api-token/,
      );
    }
    expect((await json('GET', `${system.url('payment')}/payments/hostile-race`)).status).toBe(404);
    expect((await json('GET', `${system.url('gateway')}/authorizations/hostile-race`)).status).toBe(404);
    // Locally, daprd enforces each app's default action (no identities without sentry): nobody may invoke points.
    const viaOrder = system.service('order').daprUrl;
    const tokenForSidecar = { 'dapr-api-token': system.daprApiToken };
    const denied = await json('GET', `${viaOrder}/v1.0/invoke/points/method/points/c-1`, undefined, tokenForSidecar);
    tally.push({ klass: 2, what: 'invoke points through order sidecar', status: denied.status });
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toMatch(/access control policy has denied access/);
    // ...and the synchronous chain, which order may run, still works end to end (payment, then a paid delivery).
    const sync = await json('POST', `${system.url('order')}/orders?flow=sync`, { customerId: 'c-sync', items: [item] });
    expect(sync.status).toBe(201);
    expect(sync.body.status).toBe('SHIPPED');

    // Class 3: ids daprd cannot store are refused at the edge with the field named.
    const order = portOf('order');
    await expect4xx(
      3,
      'POST /orders customerId x||y',
      raw(order, 'POST', '/orders', {}, { customerId: 'x||y', items: [item] }),
      400,
      /customerId/,
    );
    await expect4xx(
      3,
      'POST /orders Idempotency-Key a||b',
      raw(order, 'POST', '/orders', { 'idempotency-key': 'a||b' }, { customerId: 'c', items: [item] }),
      400,
      /Idempotency-Key/,
    );
    for (const [service, path, field] of [
      ['order', '/orders/x%7C%7Cy', 'orderId'],
      ['order', '/orders/x%7C%7Cy/timeline', 'orderId'],
      ['order', '/orders?customerId=x%7C%7Cy', 'customerId'],
      ['user', '/users/x%7C%7Cy', 'userId'],
      ['payment', '/payments/x%7C%7Cy', 'orderId'],
      ['delivery', '/deliveries/x%7C%7Cy', 'orderId'],
      ['points', '/points/x%7C%7Cy', 'userId'],
      ['notification', '/notifications?recipient=x%7C%7Cy', 'recipient'],
      ['audit', '/audit?subject=x%7C%7Cy', 'subject'],
      ['gateway', '/authorizations/x%7C%7Cy', 'orderId'],
    ] as const) {
      await expect4xx(3, `${service} GET ${path}`, raw(portOf(service), 'GET', path), 400, new RegExp(field));
    }
    // An event naming such an id breaks its contract: every consumer dead-letters it at once, with the reason.
    const forged = {
      specversion: '1.0',
      id: 'hostile-key-1',
      source: 'x',
      type: 'lab.order.created.v1',
      datacontenttype: 'application/json',
      data: { ...anOrderBody('hostile-key-order', 10), customerId: 'x||y' },
    };
    await publishVia(system, 'order', 'order-created', forged);
    const consumers = systemCatalog().filter(s => s.subscribes.includes('order-created')).length;
    // Within 15 s: before this fix the handlers' key error was retried for the whole budget (about 75 s and more).
    const deskUrl = `${system.url('audit')}/admin/dead-letters`;
    const seen = await waitFor(
      async () => {
        const b = (await json('GET', deskUrl, undefined, admin)).body;
        const hits = (b.entries ?? []).filter((e: any) => /customerId/.test(e.reason));
        return hits.length >= consumers ? hits : undefined;
      },
      { timeoutMs: 15_000, what: `each of ${consumers} consumers to dead-letter the forged event at once` },
    );
    expect(new Set(seen.map((e: any) => e.service))).toEqual(
      new Set(
        systemCatalog()
          .filter(s => s.subscribes.includes('order-created'))
          .map(s => s.name),
      ),
    );

    // Class 4: a total beyond Number.MAX_SAFE_INTEGER (or the business maximum) is a 400, not a 500.
    const huge = { customerId: 'c', items: Array(100).fill({ sku: 's', quantity: 1000, unitPrice: 1e11 }) };
    await expect4xx(
      4,
      'POST /orders total beyond MAX_SAFE_INTEGER',
      raw(order, 'POST', '/orders', {}, huge),
      400,
      /items/,
    );
    const big = { customerId: 'c', items: Array(100).fill({ sku: 's', quantity: 1000, unitPrice: 999_999_999 }) };
    await expect4xx(
      4,
      'POST /orders total above the business maximum',
      raw(order, 'POST', '/orders', {}, big),
      400,
      /order total/,
    );

    // Class 10: deliveries are counted only after the token check, and only for topics the app subscribes to.
    const counted = async () =>
      (await json('GET', `${system.url('stats')}/admin/deliveries`, undefined, admin)).body as Record<string, unknown>;
    const before = await counted();
    for (let i = 0; i < 20; i++) {
      await expect4xx(
        10,
        `stats POST /events/junk-${i} (no token)`,
        raw(portOf('stats'), 'POST', `/events/junk-${i}`, {}, { id: `j-${i}` }),
        401,
        /unauthorized/,
      );
    }
    await expect4xx(
      10,
      'stats POST /events/junk (app token, unknown topic)',
      raw(portOf('stats'), 'POST', '/events/junk', { 'dapr-api-token': system.appApiToken }, { id: 'j' }),
      404,
      /not_found/,
    );
    const after = await counted();
    expect(Object.keys(after).filter(t => t.startsWith('junk'))).toEqual([]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());

    // The good traffic meanwhile: every order converges, nothing lost or doubled, only the forged event set aside.
    const { accepted, refused } = await traffic;
    expect(refused).toBe(0);
    const report = await verifySystem(system, 'hostile', { orderIds: accepted, expectedDeadLetters: consumers });
    expect(report.problems).toEqual([]);
    expect(report.orders.lost).toBe(0);
    expect(report.duplicatedEffects).toBe(0);
    for (const s of system.services.values()) expect((await json('GET', `${s.url}/healthz`)).status).toBe(200);

    const byClass = new Map<number, number>();
    for (const t of tally) byClass.set(t.klass, (byClass.get(t.klass) ?? 0) + 1);
    process.stdout.write(
      `hostile: ${tally.length} hostile requests (${[...byClass].map(([k, n]) => `class ${k}: ${n}`).join(', ')}), ` +
        `answers ${JSON.stringify(Object.fromEntries([...new Set(tally.map(t => t.status))].map(s => [s, tally.filter(t => t.status === s).length])))}, ` +
        `plus 1 forged event dead-lettered by ${consumers} consumers\n`,
    );
  });

  it("a process on the host without Redis's password can neither read the streams nor forge an event", () => {
    const cli = (args: string[], password?: string) => {
      const { REDISCLI_AUTH: _none, ...env } = process.env;
      const r = spawnSync('redis-cli', ['-p', String(system.redisPort), ...args], {
        encoding: 'utf8',
        env: { ...env, ...(password ? redisCliEnv(password) : {}) },
      });
      return `${r.stdout}${r.stderr}`.trim();
    };
    const forged = ['XADD', 'user-registered', '*', 'data', '{"id":"forged"}'];
    for (const args of [['PING'], ['XRANGE', 'order-created', '-', '+', 'COUNT', '1'], forged]) {
      expect({ args, answer: cli(args) }).toEqual({ args, answer: expect.stringMatching(/NOAUTH/) });
    }
    expect(cli(['PING'], 'a-guess')).toMatch(/WRONGPASS|invalid/i);
    // The runtime's own password opens it: the refusals above are Redis's, not a dead port.
    expect(cli(['PING'], system.redisPassword)).toBe('PONG');
  });
});
