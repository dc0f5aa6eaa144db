// Real faults in the middle of real traffic, each run ending with the verifier: nothing lost, no effect doubled.
import { buildEvent, OrderCreated, PaymentCompleted } from '@lab/contracts';
import type { LocalSystem } from '@lab/runtime';
import { anOrder, burst, http, publishVia, startSystem, verifySystem } from './helpers';

let system: LocalSystem;
let order: string;
const N = Number(process.env.LAB_FAULT_ORDERS ?? 40);

beforeAll(async () => {
  system = await startSystem();
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

  it('a Redis restart (append-only file on): orders refused while it is down are never owed; accepted ones all converge', async () => {
    const b = await burst(order, N, { at: { k: N / 4, run: () => system.restartRedis() } });
    expect(b.accepted.length).toBeGreaterThan(N / 4);
    expectClean(await verifySystem(system, 'restart-redis', { orderIds: b.accepted, boundMs: 90_000 }));
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
