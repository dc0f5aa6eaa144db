// Demo (lecture 7-2): one order, followed across asynchronous hops. The client's W3C trace id travels in every
// event; GET /orders/{id}/timeline lists each fact with its service, its trace id and its delay.
import { randomBytes } from 'node:crypto';
import { waitFor } from '@lab/runtime';
import { runDemo, type DemoContext } from './harness';
import { anOrder, postJson } from './load';
import { getJson } from './observe';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run({ system, say }: DemoContext) {
  const order = system.url('order');
  const traceId = randomBytes(16).toString('hex');
  say(`Lecture 7-2: "without tracing, an event flow is hard to debug". We send one order with our own trace id:`);
  say(`traceparent 00-${traceId}-...-01`);
  const placed = await postJson(`${order}/orders`, anOrder('trace-c'), {
    traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
  });
  const orderId = String(placed.body?.orderId);
  say(`202 Accepted: order ${orderId}. Waiting for its three facts in the audit log...`);
  const timeline = await waitFor(
    async () => {
      const r = await getJson(`${order}/orders/${orderId}/timeline`);
      return r.status === 200 && r.body.status === 'SHIPPED' && r.body.events.length >= 3 ? r.body : undefined;
    },
    { timeoutMs: 30_000, what: 'the timeline to hold 3 facts', intervalMs: 100 },
  );
  const events: Json[] = timeline.events;
  const rows = events.map((e, i) => [
    e.event,
    e.service,
    e.traceId ?? '-',
    `${e.sincePlacedMs} ms`,
    `${i === 0 ? e.sincePlacedMs : e.sincePlacedMs - events[i - 1].sincePlacedMs} ms`,
  ]);
  say('');
  say(`Timeline of ${orderId} (trace ${timeline.traceId}):`);
  for (const r of rows)
    say(`  ${String(r[0]).padEnd(18)} ${String(r[1]).padEnd(9)} +${String(r[3]).padStart(8)}  hop ${r[4]}`);
  const traceIds = new Set(events.map(e => e.traceId));
  const names = events.map(e => e.event);
  const causal = ['OrderCreated', 'PaymentCompleted', 'DeliveryStarted'];
  return {
    measurements: { orderId, traceId, timeline },
    tables: [
      {
        title: `Timeline of one order (trace ${timeline.traceId})`,
        header: ['fact', 'service', 'trace id', 'since placed', 'hop'],
        rows,
      },
    ],
    claims: [
      {
        claim: 'one trace id across every asynchronous hop',
        holds: traceIds.size === 1 && traceIds.has(traceId) && timeline.traceId === traceId,
        evidence: `${traceIds.size} distinct trace id(s) in ${events.length} facts; ours ${traceIds.has(traceId) ? 'kept' : 'lost'}`,
      },
      {
        claim: 'the facts appear in causal order',
        holds: names.join() === causal.join(),
        evidence: names.join(' -> '),
      },
    ],
  };
}

void runDemo({ name: 'trace', title: 'Tracing: one order across asynchronous hops', lecture: '7-2', run });
