// Real faults in the middle of real traffic, each run ending with the verifier: nothing lost, no effect doubled.
import { buildEvent, OrderCreated, PaymentCompleted } from '@lab/contracts';
import type { LocalSystem } from '@lab/runtime';
import { BASE, REPO_ROOT, startChaosServer, waitFor } from '@lab/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  adminEach,
  anOrder,
  burst,
  E2E_OFFSET,
  handledCount,
  http,
  publishVia,
  startSystem,
  verifySystem,
} from './helpers';

interface DeadLetterEntry {
  id: string;
  reason: string;
  topic?: string;
  service?: string;
}

let system: LocalSystem;
let order: string;
const N = Number(process.env.LAB_FAULT_ORDERS ?? 40);

// order's open-orders watch on a short fuse, so the test that loses events on purpose sees it heal in seconds;
// hop-level recovery (redelivery) of the other faults takes 1-3 s, so the watch rarely has anything to do there.
const STALE_AFTER_MS = 8000;
// How long a Redis consumer group holds a delivery its reader never acknowledged before it is claimed again.
const PROCESSING_TIMEOUT_MS = Number(
  (
    parse(readFileSync(join(REPO_ROOT, 'components/pubsub/redis/pubsub.yaml'), 'utf8')).spec.metadata as {
      name: string;
      value: string;
    }[]
  ).find(m => m.name === 'processingTimeout')!.value,
);

beforeAll(async () => {
  system = await startSystem({ appEnv: { ORDER_STALE_AFTER_MS: String(STALE_AFTER_MS), ORDER_SWEEP_EVERY_MS: '500' } });
  order = system.url('order');
});

afterAll(async () => {
  await system?.stop();
});

const expectClean = (r: Awaited<ReturnType<typeof verifySystem>>) => {
  expect(r.problems).toEqual([]);
  expect(r.orders.lost).toBe(0);
  expect(r.duplicatedEffects).toBe(0);
  expect(r.deadLetters).toBe(0);
};

describe('faults mid-burst', () => {
  it('kill -9 of a consumer app (payment), then a restart', async () => {
    const b = await burst(order, N, {
      at: {
        k: N / 4,
        run: async () => {
          await system.stopApp('payment', { kill: true });
          await system.startApp('payment');
        },
      },
    });
    expect(b.refused).toBe(0); // the publisher never noticed
    expectClean(await verifySystem(system, 'kill-consumer-app', { orderIds: b.accepted, boundMs: 90_000 }));
  });

  it('kill -9 of a sidecar (delivery), then a restart', async () => {
    const b = await burst(order, N, {
      at: {
        k: N / 4,
        run: async () => {
          await system.stopSidecar('delivery', { kill: true });
          await system.startSidecar('delivery');
        },
      },
    });
    expect(b.refused).toBe(0);
    expectClean(await verifySystem(system, 'kill-sidecar', { orderIds: b.accepted, boundMs: 90_000 }));
  });

  it(
    'a Redis restart (append-only file on): orders refused while it is down are never owed; accepted ones all converge',
    async () => {
      const b = await burst(order, N, { at: { k: N / 4, run: () => system.restartRedis() } });
      expect(b.accepted.length).toBeGreaterThan(N / 4);
      const first = await verifySystem(system, 'restart-redis', { orderIds: b.accepted, boundMs: 90_000 });
      if (first.problems.length > 0) {
        // A restart can cut off the reply to a consumer's read: the group has handed the events out (they are in its
        // pending list, under that consumer's name), its daprd never got them, and they are claimed again only after
        // the component's processingTimeout (320 s, components/pubsub/redis). Held, not lost: every effect missing
        // now is one of those, and the system converges once they are claimed. (Seen in 3 runs of 38: one event, held
        // by every group whose reply the restart cut, e.g. DeliveryStarted at notification, stats and audit.)
        const held = await system.heldDeliveries();
        process.stdout.write(
          `restart-redis: held after 90 s: ${held.map(h => `${h.group}/${h.stream} ${h.eventId} idle ${h.idleMs} ms`).join('; ') || 'none'}\n`,
        );
        expect(held.length).toBeGreaterThan(0); // what is missing is explained by what is held, or it is lost
        const heldBy = new Set(held.map(h => `${h.group} ${h.eventId}`));
        expect(first.missing.filter(m => !heldBy.has(`${m.consumer} ${m.eventId}`))).toEqual([]);
        expectClean(
          await verifySystem(system, 'restart-redis-held', {
            orderIds: b.accepted,
            boundMs: PROCESSING_TIMEOUT_MS + 60_000,
          }),
        );
      }
    },
    PROCESSING_TIMEOUT_MS + 240_000,
  );

  it('the payment gateway down (a synchronous dependency): orders wait for it and are paid, none declined', async () => {
    // Summed over payment's instances: each process counts the deliveries it got.
    const asked = async () =>
      (await adminEach(system, 'payment', 'GET', '/admin/deliveries')).reduce(
        (n, r) => n + ((r.body?.['order-created']?.redeliveries ?? 0) as number),
        0,
      );
    const before = await asked();
    await system.stopService('gateway');
    const b = await burst(order, N / 4);
    expect(b.refused).toBe(0);
    // Every order has met the missing gateway at least twice (a first delivery, then a redelivery)...
    await waitFor(async () => (await asked()) - before >= b.accepted.length || undefined, {
      timeoutMs: 20_000,
      what: `payment to ask again for each of ${b.accepted.length} orders`,
    });
    // ...and none was decided meanwhile: an outage of ours is not the customer's decline.
    const statuses = await Promise.all(b.accepted.map(id => http('GET', `${order}/orders/${id}`)));
    expect(statuses.map(r => r.body?.status).filter(s => s !== 'PENDING')).toEqual([]);
    await system.startService('gateway');
    const r = await verifySystem(system, 'gateway-down-then-back', { orderIds: b.accepted, boundMs: 60_000 });
    expectClean(r);
    expect(r.orders.cancelled).toBe(0);
  });

  it('a consumer that acknowledges events it never handled: order announces stale orders again and they converge', async () => {
    const admin = { authorization: `Bearer ${system.adminToken}` };
    const setFaults = async (body: object) =>
      expect((await adminEach(system, 'payment', 'PUT', '/admin/faults', body)).map(r => r.status)).toEqual(
        system.instances('payment').map(() => 200),
      );
    const watch = async () => (await http('GET', `${order}/admin/open-orders`, undefined, admin)).body;
    // Event ids of OrderCreated each payment instance took (dropped ones too), summed over the instances.
    const taken = async () =>
      (await adminEach(system, 'payment', 'GET', '/admin/deliveries')).reduce(
        (n, r) => n + ((r.body?.[OrderCreated.topic]?.distinct ?? 0) as number),
        0,
      );
    const before = await taken();
    const SIDE = ['notification', 'stats', 'audit'];
    const duplicatesBefore = await Promise.all(
      SIDE.map(side => handledCount(system, side, OrderCreated.topic, 'duplicate')),
    );
    // payment drops every OrderCreated on the floor, answering SUCCESS: the broker sees each one as handled.
    await setFaults({ dropRate: 1 });
    const b = await burst(order, N / 4);
    expect(b.refused).toBe(0);
    // Nothing can move while payment loses the events: every order is in the open-orders index, and the knob stays
    // on until payment has taken (and dropped) every order's event: one that reached it only after the knob was
    // cleared would be paid at once and need no copy (seen with 2 replicas on Kafka: 9 copies for 10 orders).
    await waitFor(async () => ((await watch()).open >= b.accepted.length ? true : undefined), {
      timeoutMs: 10_000,
      what: `all ${b.accepted.length} orders in the open-orders index`,
    });
    await waitFor(async () => ((await taken()) - before >= b.accepted.length ? true : undefined), {
      timeoutMs: 30_000,
      what: `payment to take (and drop) the OrderCreated of all ${b.accepted.length} orders`,
    });
    await setFaults({});
    const r = await verifySystem(system, 'consumer-loses-events', {
      orderIds: b.accepted,
      boundMs: 4 * STALE_AFTER_MS,
    });
    expectClean(r);
    // Each order was announced again at least once; it was the copy that reached payment.
    expect(r.reannounced).toBeGreaterThanOrEqual(b.accepted.length);
    // The index empties, though not always at the verifier's last look: order's own delivery of a copy may read the
    // order before it shipped and put it back in the index after it shipped (follow.ts: the next sweep finds it
    // closed and takes it out). Seen in CI with 2 replicas on Redis: 1 entry left at the verifier's end.
    await waitFor(
      async () => {
        const { open } = await watch();
        if (open !== 0) throw new Error(`${open} open`);
        return true;
      },
      {
        timeoutMs: 2 * STALE_AFTER_MS,
        what: 'the open-orders index to empty (a sweep every 500 ms)',
      },
    );
    // Copies made within FIRST_ANNOUNCEMENT_MS of the order go to every subscriber (the first announcement may not
    // have reached them: a Redis restart can leave it pending for minutes): each side consumer of OrderCreated met
    // every copy as a duplicate of the one it handled, through real sidecars, and the verifier above saw no effect
    // doubled. Older copies go to order, payment and delivery only (services/order/test/open-orders.test.ts).
    for (const [i, side] of SIDE.entries()) {
      await waitFor(
        async () => {
          const n = (await handledCount(system, side, OrderCreated.topic, 'duplicate')) - duplicatesBefore[i]!;
          return n >= b.accepted.length ? n : undefined;
        },
        { timeoutMs: 30_000, what: `${side} meeting ${b.accepted.length} re-announced copies as duplicates` },
      );
    }
  });

  it('a consumer (notification) down under load, then back: its backlog drains', async () => {
    await system.stopService('notification');
    const b = await burst(order, N);
    expect(b.refused).toBe(0);
    await system.startService('notification');
    expectClean(await verifySystem(system, 'consumer-down-then-back', { orderIds: b.accepted, boundMs: 90_000 }));
  });
});

describe('the same events delivered many times', () => {
  it('OrderCreated and PaymentCompleted published 10 times each, concurrently, have one effect each', async () => {
    const res = await http('POST', `${order}/orders`, anOrder('dup-c'));
    const orderId = res.body.orderId as string;
    const created = buildEvent(
      OrderCreated,
      { orderId, customerId: 'dup-c', items: anOrder().items, totalAmount: 2400, createdAt: new Date().toISOString() },
      { source: 'order', id: `order-created-${orderId}` },
    );
    const paid = buildEvent(
      PaymentCompleted,
      { orderId, paymentId: 'dup-p', customerId: 'dup-c', amount: 2400, completedAt: new Date().toISOString() },
      { source: 'payment', id: `payment-completed-${orderId}` },
    );
    await Promise.all(
      Array.from({ length: 10 }, () => [
        publishVia(system, 'order', OrderCreated.topic, created),
        publishVia(system, 'payment', PaymentCompleted.topic, paid),
      ]).flat(),
    );
    const r = await verifySystem(system, 'duplicates', { orderIds: [orderId], boundMs: 60_000 });
    expectClean(r);
    expect(r.deliveries.redeliveries).toBeGreaterThanOrEqual(18); // consumers saw the copies and ignored them
  });
});

describe('the consumers, as many instances as the system runs ($LAB_REPLICAS)', () => {
  it('each instance of each consumer of OrderCreated took deliveries: replicas compete in one group, none idles', async () => {
    const idle: string[] = [];
    for (const name of system.services.keys()) {
      if (!system.service(name).entry.subscribes.includes(OrderCreated.topic)) continue;
      expect({ name, instances: system.instances(name).length }).toEqual({ name, instances: system.replicas });
      const answers = await adminEach(system, name, 'GET', '/admin/deliveries');
      answers.forEach((r, i) => {
        const got = Object.values((r.body ?? {}) as Record<string, { deliveries: number }>).reduce(
          (n, t) => n + t.deliveries,
          0,
        );
        if (got === 0) idle.push(`${name} instance ${i + 1}`);
      });
    }
    expect(idle).toEqual([]);
  });

  it("the local chaos API's faults action sets the knobs of every instance of the service", async () => {
    const token = 'faults-suite-chaos-token';
    const port = BASE.chaos + E2E_OFFSET;
    const server = await startChaosServer(system, { port, token });
    try {
      const set = await http(
        'PUT',
        `http://127.0.0.1:${port}/chaos/services/points/faults`,
        { latencyMs: 7 },
        { authorization: `Bearer ${token}` },
      );
      expect(set.status).toBe(200);
      const seen = await adminEach(system, 'points', 'GET', '/admin/faults');
      expect(seen.map(r => r.body?.latencyMs)).toEqual(system.instances('points').map(() => 7));
    } finally {
      await adminEach(system, 'points', 'PUT', '/admin/faults', {});
      await new Promise(r => server.close(r));
    }
  });
});

// Last: the letters it makes would count against the verifier's "no dead letters" of the cases above.
describe('a dead letter replayed', () => {
  it('goes to the consumer that set it aside, and the other subscribers acknowledge it unhandled', async () => {
    const admin = { authorization: `Bearer ${system.adminToken}` };
    const audit = system.url('audit');
    // An order whose total is not the sum of its items: payment sets it aside for good (a permanent reason), while
    // notification, stats and audit take it as the fact it is.
    const orderId = `dl-${Date.now()}`;
    const bad = buildEvent(
      OrderCreated,
      {
        orderId,
        customerId: 'dl-c',
        items: [{ sku: 'book', quantity: 1, unitPrice: 2400 }],
        totalAmount: 1,
        createdAt: new Date().toISOString(),
      },
      { source: 'order', id: `order-created-${orderId}` },
    );
    const letters = async () =>
      ((await http('GET', `${audit}/admin/dead-letters`, undefined, admin)).body.entries as DeadLetterEntry[]).filter(
        e => e.service === 'payment' && e.topic === OrderCreated.topic,
      );
    const before = new Set((await letters()).map(e => e.id));
    const ignored = () => handledCount(system, 'notification', OrderCreated.topic, 'not_addressed');
    const ignoredBefore = await ignored();
    await publishVia(system, 'order', OrderCreated.topic, bad);
    const letter = await waitFor(async () => (await letters()).find(e => !before.has(e.id)), {
      timeoutMs: 30_000,
      what: "payment's dead letter of the order with the wrong total",
    });
    const replay = await http('POST', `${audit}/admin/dead-letters/${letter.id}/replay`, undefined, admin);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ eventId: bad.id, addressedTo: 'payment' });
    // payment handled the copy (and set it aside again: its total is still wrong); notification did not.
    await waitFor(async () => ((await letters()).filter(e => !before.has(e.id)).length >= 2 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'payment setting the replayed copy aside again',
    });
    await waitFor(async () => ((await ignored()) >= ignoredBefore + 1 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'notification acknowledging the replayed copy unhandled',
    });
    const told = await waitFor(
      async () => {
        const inbox = await http('GET', `${system.url('notification')}/notifications?recipient=dl-c`);
        const list = (inbox.body.notifications ?? []) as { event: string; eventId: string }[];
        const about = list.filter(n => n.eventId === bad.id);
        return about.length > 0 ? about : undefined;
      },
      { timeoutMs: 30_000, what: "notification's message about the order" },
    );
    expect(told).toHaveLength(1);
  });
});
