// Demo (lecture 7-3): at-least-once delivery means copies. The same facts are published again and again, many
// at once, and the same request is retried with one Idempotency-Key: the verifier sees the redeliveries arrive
// and finds no effect applied twice.
import { buildEvent, OrderCreated, PaymentCompleted } from '@lab/contracts';
import type { LocalSystem } from '@lab/runtime';
import { waitFor } from '@lab/runtime';
import { runDemo, type DemoContext } from './harness';
import { anOrder, postJson } from './load';
import { getJson, verifierRows, verifyOrders } from './observe';

async function publish(system: LocalSystem, via: string, topic: string, event: object): Promise<void> {
  const res = await fetch(`${system.service(via).daprUrl}/v1.0/publish/pubsub/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': system.daprApiToken },
    body: JSON.stringify(event),
  });
  if (res.status !== 204) throw new Error(`publish to ${topic} answered ${res.status}`);
}

async function redeliveriesSeen(system: LocalSystem): Promise<number> {
  let n = 0;
  for (const name of system.services.keys()) {
    const r = await getJson(`${system.url(name)}/admin/deliveries`, system.adminToken);
    for (const t of Object.values((r.body ?? {}) as Record<string, { redeliveries: number }>)) n += t.redeliveries;
  }
  return n;
}

async function run({ system, short, say }: DemoContext) {
  const order = system.url('order');
  const [orders, copies, retries] = short ? [4, 10, 5] : [20, 20, 10];
  say(`Lecture 7-3: "events can be delivered again: idempotency is a must".`);
  say(
    `Step 1: ${orders} orders, each POSTed ${retries} times at once with the same Idempotency-Key (a client retrying).`,
  );
  const ids: string[] = [];
  let replaysAgreed = 0;
  for (let k = 0; k < orders; k++) {
    const body = anOrder(`idem-${k}`);
    const answers = await Promise.all(
      Array.from({ length: retries }, () => postJson(`${order}/orders`, body, { 'idempotency-key': `idem-key-${k}` })),
    );
    const distinct = new Set(answers.map(a => String(a.body?.orderId)));
    if (distinct.size === 1 && answers.every(a => a.status === 202)) replaysAgreed += 1;
    ids.push(...distinct);
  }
  for (const id of ids) {
    await waitFor(
      async () => ((await getJson(`${order}/orders/${id}`)).body?.status === 'SHIPPED' ? true : undefined),
      {
        timeoutMs: 60_000,
        what: `order ${id} to ship`,
      },
    );
  }
  const before = await redeliveriesSeen(system);
  say(`Step 2: every order shipped. Now OrderCreated and PaymentCompleted of each are published ${copies} more times,`);
  say(`all at once, with their original ids: ${orders * copies * 2} copies, each fanned out to 6 consumers.`);
  const publishes: Promise<void>[] = [];
  for (const id of ids) {
    const o = (await getJson(`${order}/orders/${id}`)).body;
    const p = (await getJson(`${system.url('payment')}/payments/${id}`)).body;
    const data = {
      orderId: id,
      customerId: o.customerId,
      items: o.items,
      totalAmount: o.totalAmount,
      createdAt: o.createdAt,
    };
    const created = buildEvent(OrderCreated, data, { source: 'order', id: `order-created-${id}` });
    const paid = buildEvent(
      PaymentCompleted,
      {
        orderId: id,
        paymentId: String(p?.paymentId ?? `pay-${id}`),
        customerId: o.customerId,
        amount: o.totalAmount,
        completedAt: new Date().toISOString(),
      },
      { source: 'payment', id: `payment-completed-${id}` },
    );
    for (let c = 0; c < copies; c++) {
      publishes.push(
        publish(system, 'order', OrderCreated.topic, created),
        publish(system, 'payment', PaymentCompleted.topic, paid),
      );
    }
  }
  await Promise.all(publishes);
  const expected = orders * copies * 12;
  say(`Step 3: waiting until the consumers have seen the ${expected} copies (their own delivery counters)...`);
  const seen = await waitFor(
    async () => {
      const n = (await redeliveriesSeen(system)) - before;
      return n >= expected ? n : undefined;
    },
    { timeoutMs: 90_000, what: 'every copy to be delivered', intervalMs: 250 },
  ).catch(() => undefined);
  const report = await verifyOrders(system, ids, 60_000);
  say(`Verifier: redeliveries seen ${report.deliveries.redeliveries}, duplicated effects ${report.duplicatedEffects}.`);
  return {
    measurements: {
      orders,
      copies,
      retries,
      replaysAgreed,
      expectedCopies: expected,
      copiesSeen: seen ?? null,
      verifier: report,
    },
    tables: [
      {
        title: 'Copies in, effects out',
        header: ['measure', 'value'],
        rows: [
          [
            'Idempotency-Key retries that got the same order',
            `${replaysAgreed}/${orders} keys (${retries} concurrent POSTs each)`,
          ],
          ['copies published (with original ids)', orders * copies * 2],
          ['copies delivered to consumers', seen ?? 'not all'],
          ...verifierRows(report),
        ],
      },
    ],
    claims: [
      {
        claim: 'one order per Idempotency-Key, however many concurrent retries',
        holds: replaysAgreed === orders && ids.length === orders,
        evidence: `${ids.length} orders for ${orders} keys`,
      },
      {
        claim: 'the copies really reached the consumers (redeliveries > 0)',
        holds: seen !== undefined && report.deliveries.redeliveries > 0,
        evidence: `${report.deliveries.redeliveries} redeliveries seen`,
      },
      {
        claim: 'no effect applied twice (duplicated effects = 0)',
        holds: report.ok && report.duplicatedEffects === 0,
        evidence: `duplicated ${report.duplicatedEffects}, problems ${report.problems.length}`,
      },
    ],
  };
}

void runDemo({ name: 'idempotency', title: 'Idempotency: many copies, one effect', lecture: '7-3', run });
