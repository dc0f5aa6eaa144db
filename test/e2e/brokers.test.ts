// The broker semantics the system relies on, pinned on whichever broker $LAB_BROKER names (docs/brokers.md cites
// each test): one consumer group per app, the order id as the record key, and a broker restart mid-burst.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { kafkaClient, redisCliEnv, waitFor, type LocalSystem } from '@lab/runtime';
import { BROKER } from './broker';
import { anOrder, eventually, http, startSystem, systemCatalog, waitForOrderStatus } from './helpers';

let system: LocalSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

/** The consumer groups reading a topic: XINFO GROUPS on Redis, the Stable groups assigned it on Kafka. */
async function groupsOf(topic: string): Promise<string[]> {
  if (system.broker === 'redis') {
    const out = execFileSync('redis-cli', ['-p', String(system.redisPort), '--no-raw', 'XINFO', 'GROUPS', topic], {
      env: { ...process.env, ...redisCliEnv(system.redisPassword) },
    });
    return [...out.toString().matchAll(/"name"\n\s*\d+\) "([^"]+)"/g)].map(m => m[1]!).sort();
  }
  const kafka = kafkaClient(system.kafkaBrokers);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    const ids = groups.map(g => g.groupId).filter(g => !g.startsWith('lab-readiness-'));
    const described = await admin.describeGroups(ids);
    return described.groups
      .filter(g => g.state === 'Stable' && g.members.some(m => m.memberAssignment.includes(Buffer.from(topic))))
      .map(g => g.groupId)
      .sort();
  } finally {
    await admin.disconnect();
  }
}

describe(`broker semantics on ${BROKER}`, () => {
  it('every subscribing app has its own consumer group on each topic it subscribes to, named after the app', async () => {
    const catalog = systemCatalog();
    const topics = [...new Set(catalog.flatMap(s => s.subscribes))];
    for (const topic of topics) {
      const expected = catalog
        .filter(s => s.subscribes.includes(topic))
        .map(s => s.name)
        .sort();
      // Every app gets every fact: one group per app, never one shared group.
      expect({ topic, groups: (await groupsOf(topic)).filter(g => expected.includes(g)) }).toEqual({
        topic,
        groups: expected,
      });
    }
  });

  (BROKER === 'kafka' ? it : it.skip)(
    "an order's facts are keyed by its order id, so they share one partition and keep their order",
    async () => {
      const placed = await http('POST', `${system.url('order')}/orders`, anOrder('c-key'));
      const orderId: string = placed.body.orderId;
      await waitForOrderStatus(system.url('order'), orderId, 'SHIPPED');
      const topics = ['order-created', 'payment-completed', 'delivery-started'];
      const kafka = kafkaClient(system.kafkaBrokers);
      const consumer = kafka.consumer({ groupId: `lab-readiness-keys-${randomUUID()}` });
      const seen: { topic: string; partition: number; key: string; subject: string }[] = [];
      try {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ topic, partition, message }) => {
            const event = JSON.parse(message.value?.toString() ?? '{}') as { subject?: string };
            if (event.subject === orderId) {
              seen.push({ topic, partition, key: message.key?.toString() ?? '', subject: event.subject });
            }
          },
        });
        await waitFor(async () => (topics.every(t => seen.some(s => s.topic === t)) ? true : undefined), {
          timeoutMs: 30_000,
          what: `the records of order ${orderId} on ${topics.join(', ')} (seen: ${JSON.stringify(seen)})`,
        });
      } finally {
        await consumer.disconnect();
      }
      for (const s of seen) expect(s.key).toBe(orderId);
      // Same key, same hash, same partition count: every topic puts this order on the same partition number.
      expect(new Set(seen.map(s => s.partition)).size).toBe(1);
    },
  );

  // On both brokers (on Redis the restart also takes the state store down).
  it('the broker restarted mid-burst: every order converges, and each is paid exactly once', async () => {
    const order = system.url('order');
    const n = 24;
    const ids: string[] = [];
    let refused = 0;
    let restarted: Promise<void> | undefined;
    // The client retries a refused POST with the same Idempotency-Key, as a real client would: an order placed
    // while the broker is down is either refused (and retried) or accepted, never half-placed.
    const place = async (i: number) => {
      const key = { 'idempotency-key': `restart-${i}-${randomUUID()}` };
      const body = anOrder(`c-restart-${i}`, 1000 + i);
      const res = await waitFor(
        async () => {
          const r = await http('POST', `${order}/orders`, body, key);
          if (r.status === 202) return r;
          refused++;
          throw new Error(`POST /orders answered ${r.status}: ${JSON.stringify(r.body)}`);
        },
        { timeoutMs: 90_000, what: `order ${i} to be accepted`, intervalMs: 250 },
      );
      ids.push(res.body.orderId);
      if (ids.length === n / 3 && !restarted) restarted = system.restartBroker();
    };
    const queue = Array.from({ length: n }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await place(i);
      }),
    );
    await restarted;
    expect(ids).toHaveLength(n);

    const final = await Promise.all(
      ids.map(async id => {
        let last: unknown;
        const status = await waitFor(
          async () => {
            const r = await http('GET', `${order}/orders/${id}`);
            last = r.body;
            return ['SHIPPED', 'CANCELLED'].includes(r.body?.status) ? (r.body.status as string) : undefined;
          },
          { timeoutMs: 120_000, what: `order ${id} to converge after the broker restart`, intervalMs: 100 },
        ).catch((err: Error) => {
          throw new Error(`${err.message}\nlast order state: ${JSON.stringify(last)}`, { cause: err });
        });
        return { id, status };
      }),
    );
    expect(final.filter(f => f.status !== 'SHIPPED')).toEqual([]); // every amount is under the limit

    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      // One payment, carrying the one authorization the gateway made for this order.
      const payment = await http('GET', `${system.url('payment')}/payments/${id}`);
      expect(payment.body).toMatchObject({ status: 'COMPLETED', authorizationId: expect.any(String) });
      const auth = await http('GET', `${system.url('gateway')}/authorizations/${id}`);
      expect(auth.body.authorizationId).toBe(payment.body.authorizationId);
      // And its effect applied once: the order moved to PAID once.
      const o = { body: await waitForOrderStatus(order, id, 'SHIPPED', 60_000, ['PaymentCompleted']) };
      expect(o.body.history.filter((h: { event: string }) => h.event === 'PaymentCompleted')).toHaveLength(1);
    }
    // Purchase points were granted once per order (one customer per order here).
    for (const [i, id] of ids.entries()) {
      const customer = (await http('GET', `${order}/orders/${id}`)).body.customerId as string;
      await eventually(
        `${system.url('points')}/points/${customer}`,
        b => b.grants?.length === 1,
        `one purchase grant for ${customer} (order ${i})`,
        60_000,
      );
    }
    process.stdout.write(`broker restart mid-burst on ${BROKER}: ${n} orders, ${refused} refused POSTs retried\n`);
  });
});
