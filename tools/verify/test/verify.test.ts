// The verifier's own checks, against services that answer what a broken system would: each check must be able to fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEPT, readCounters, verify } from '../src/verify';

interface World {
  paid: number;
  authorised: number;
  /** Event ids stats says it did not count. */
  statsMissed: string[];
  /** An order of the synchronous chain: its facts were never events, nothing audited, told or counted. */
  sync?: boolean;
  /** The customer's inbox and account full of newer entries (since `at`): the order's own were dropped. */
  full?: { at: string };
  /** A fact audit has not logged (yet): held on its way there. */
  auditLacks?: string;
}

const ORDER = 'o-1';
const PLACED_AT = '2026-01-01T00:00:00.000Z';
const FACTS = [
  { name: 'OrderCreated', eventId: 'e-created' },
  { name: 'PaymentCompleted', eventId: 'e-paid' },
  { name: 'DeliveryStarted', eventId: 'e-started' },
];

/** One HTTP server playing every service of one shipped order of 900,000. */
function system(world: World): Promise<{ url: string; server: Server }> {
  const answer = (path: string, body: unknown): unknown => {
    if (path === `/orders/${ORDER}`)
      return {
        orderId: ORDER,
        customerId: 'c-1',
        status: 'SHIPPED',
        totalAmount: 900_000,
        createdAt: PLACED_AT,
        history: world.sync ? FACTS.map(f => ({ ...f, eventId: `sync-${f.eventId}` })) : FACTS,
      };
    if (path === `/payments/${ORDER}`) return { status: 'COMPLETED', amount: world.paid, decidedAt: 'now' };
    if (path === `/authorizations/${ORDER}`) return { approved: true, amount: world.authorised };
    if (path === `/deliveries/${ORDER}`) return { status: 'DISPATCHED' };
    if (path.startsWith('/audit')) return { entries: world.sync ? [] : FACTS.filter(f => f.name !== world.auditLacks) };
    const newer = (n: number) => Array.from({ length: n }, (_, i) => ({ eventId: `e-newer-${i}`, at: world.full!.at }));
    if (path.startsWith('/notifications')) {
      if (world.full) return { notifications: newer(KEPT.inbox).map(n => ({ ...n, sentAt: n.at })) };
      return { notifications: world.sync ? [] : FACTS.map(f => ({ eventId: f.eventId })) };
    }
    if (path === '/points/c-1') {
      if (world.full) return { grants: newer(KEPT.grants).map(g => ({ ...g, reason: 'purchase o-newer' })) };
      return { grants: world.sync ? [] : [{ reason: `purchase ${ORDER}` }] };
    }
    if (path === '/admin/tally') {
      const [[kind, ids]] = Object.entries(body as Record<string, string[]>) as [[string, string[]]];
      const notCounted = ids.filter(id => world.statsMissed.includes(id));
      return { [kind]: { counted: ids.filter(id => !notCounted.includes(id)), notCounted, unknown: [] } };
    }
    if (path === '/admin/dead-letters') return { count: 0 };
    if (path === '/admin/open-orders') return { thisProcess: { reannounced: 0 } };
    if (path === '/admin/deliveries') return {};
    return undefined;
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const body = answer(req.url!.split('?')[0]!, raw ? JSON.parse(raw) : undefined);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

async function run(world: World) {
  const { url, server } = await system(world);
  try {
    const urls = Object.fromEntries(
      ['order', 'payment', 'gateway', 'delivery', 'audit', 'notification', 'points', 'stats'].map(s => [s, url]),
    );
    return await verify({ urls, adminToken: 'tok' }, { orderIds: [ORDER], boundMs: 600 });
  } finally {
    server.close();
  }
}

const fine: World = { paid: 900_000, authorised: 900_000, statsMissed: [] };

describe('verify: amounts, the gateway and stats', () => {
  it('passes a consistent order, and says how many facts stats counted', async () => {
    const r = await run(fine);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, stats: { counted: 3, unknown: 0 } });
  });

  it('fails an order paid less than its total', async () => {
    const r = await run({ ...fine, paid: 1 });
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`order ${ORDER} totals 900000 but its payment is of 1`);
  });

  it('fails an order the gateway authorised for another amount', async () => {
    const r = await run({ ...fine, authorised: 1 });
    expect(r.problems).toContain(`order ${ORDER} totals 900000 but the gateway authorised 1`);
  });

  it('names a fact audit lacks there only: notification, which told it, is not called short as well', async () => {
    const r = await run({ ...fine, auditLacks: 'DeliveryStarted' });
    expect(r.problems).toEqual([
      `order ${ORDER}: audited OrderCreated, PaymentCompleted, expected DeliveryStarted, OrderCreated, PaymentCompleted`,
    ]);
  });

  it('fails a fact stats never counted', async () => {
    const r = await run({ ...fine, statsMissed: ['e-paid'] });
    expect(r.problems).toContain(`stats did not count order ${ORDER}'s payments fact e-paid`);
  });

  it("checks a sync-flow order's payment and authorisation, not the facts it never announced", async () => {
    expect((await run({ ...fine, sync: true })).problems).toEqual([]);
    const r = await run({ ...fine, sync: true, paid: 1 });
    expect(r.problems).toEqual([`order ${ORDER} totals 900000 but its payment is of 1`]);
  });
});

describe('verify: what a consumer no longer keeps', () => {
  it('counts an order older than everything a full inbox and account keep, rather than calling it untold', async () => {
    const r = await run({ ...fine, full: { at: '2026-01-01T00:00:01.000Z' } });
    expect(r.problems).toEqual([]);
    expect(r.tooOldToTell).toEqual({ notifications: 1, points: 1 });
  });

  it('fails an order a full inbox and account should still hold (they keep entries older than it)', async () => {
    const r = await run({ ...fine, full: { at: '2025-12-31T23:59:59.000Z' } });
    expect(r.problems).toEqual([`order ${ORDER}: 0 notifications, expected 3`, `order ${ORDER}: no purchase points`]);
    expect(r.tooOldToTell).toEqual({ notifications: 0, points: 0 });
  });
});

describe('readCounters over the instances of a service', () => {
  it('sums each instance counters by topic, and order re-announcements over its instances', async () => {
    const counters: Record<string, unknown> = {
      '/a/admin/deliveries': { 'order-created': { deliveries: 3, distinct: 2, redeliveries: 1 } },
      '/b/admin/deliveries': {
        'order-created': { deliveries: 5, distinct: 5, redeliveries: 0 },
        'payment-completed': { deliveries: 2, distinct: 1, redeliveries: 1 },
      },
      '/a/admin/open-orders': { thisProcess: { reannounced: 2 } },
      '/b/admin/open-orders': { thisProcess: { reannounced: 3 } },
    };
    const server = createServer((req, res) => {
      const body = counters[req.url!.split('?')[0]!];
      res.writeHead(body === undefined || req.headers.authorization !== 'Bearer tok' ? 404 : 200, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const c = await readCounters({
        urls: { order: `${base}/a` },
        instances: { order: [`${base}/a`, `${base}/b`] },
        adminToken: 'tok',
      });
      expect(c).toEqual({
        deliveries: {
          order: {
            'order-created': { deliveries: 8, redeliveries: 1 },
            'payment-completed': { deliveries: 2, redeliveries: 1 },
          },
        },
        reannounced: 5,
      });
      // One instance only (no `instances`): its own counts.
      expect((await readCounters({ urls: { order: `${base}/b` }, adminToken: 'tok' })).reannounced).toBe(3);
    } finally {
      server.close();
    }
  });
});
