// The benchmark's Markdown report: one section per broker (report-broker.ts), then what limits the system and
// the figures against the targets.
import type { BenchResult, BrokerRun } from './result';
import { addedPublishP99, brokerSections, cpuPerOrder, f, median, signed } from './report-broker';

export type { BenchResult, BrokerRun } from './result';

export function renderMarkdown(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# Performance', '');
  out.push(
    `Measured ${r.at} in ${r.mode} mode on **this project's 2-core development machine** (${m.cores} cores, ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}), everything on one host: Redis (the state store, and the broker in the Redis run), Kafka in the Kafka run, nine apps, nine daprd 1.18.0, and the load generator (a separate process from every measured one). Numbers from a 2-core box shared by 20 processes are a floor, not a capacity plan. Regenerate with \`./lab bench\` (full) or \`./lab bench --quick\`; \`-- --broker kafka\` measures one broker.`,
    '',
    'Each step of the whole-flow benchmark offers a fixed arrival rate of `POST /orders` (open model), then waits until every accepted order is `SHIPPED`. Convergence is `updatedAt - createdAt` of the shipped order (three hops: payment with its synchronous gateway call, delivery, order). Shipped/s counts from the first order placed to the last one shipped.',
    '',
  );
  r.runs.forEach((run, i) => out.push(...brokerSections(run, i + 1)));

  out.push('## What limits it', '');
  out.push(
    'An order is 16 deliveries (six consumers of OrderCreated, six of PaymentCompleted, four of DeliveryStarted), 3 publishes and one synchronous gateway call, and each delivery is an HTTP hop from daprd into the app plus reads and conditional writes of state through daprd: the levers section below counts them per order (each daprd counts its own; state reads and writes are most of them) and says which service spends what. Two things in kit save state calls without changing what an update means (docs/guarantees.md, section 1): a process recalls what it last wrote to a key instead of reading it again (the lever "no recall" shows what that saves), and with bulk subscribe the events of one batch are folded into one read and one write per key, which pays only when batches hold more than one event (a backlog, or rates above the knee). The CPU per order above, divided into the two cores, gives the ceiling the knee sits under; the bus itself (the publish and delivery tables of each broker) costs a small part of it.',
    '',
    'Every consumer changes state by reading a whole record and writing it back under its etag (that is what makes it idempotent), so a record that grows costs more on every event: the benchmark places each order for a new customer, because a customer with hundreds of orders would make each of their events rewrite a long order list, inbox and points account (capped at 1,000, 500 and 1,000 entries). The counters and the audit index by type are split into many small shards for the same reason.',
    '',
  );
  for (const run of r.runs) {
    const c = cpuPerOrder(run);
    out.push(
      `- ${run.broker}: ${f(c.msPerOrder)} ms of CPU per order in apps and sidecars, so at most ${Math.round((2000 / Math.max(1e-9, c.msPerOrder)) * 10) / 10} orders/s on 2 cores even with the brokers and the load generator free; the knee measured ${run.knee}/s.`,
    );
  }
  out.push('');

  out.push('## Against the targets', '');
  out.push(`| target | ${r.runs.map(x => x.broker).join(' | ')} |`, `| --- | ${r.runs.map(() => '---').join(' | ')} |`);
  const row = (name: string, cell: (x: BrokerRun) => string) =>
    out.push(`| ${name} | ${r.runs.map(cell).join(' | ')} |`);
  const yes = (ok: boolean) => (ok ? 'met' : 'not met');
  row('bus overhead p99 <= +2 ms over the direct broker', x => {
    const a = median(addedPublishP99(x));
    return `${signed(a)} ms, ${yes(a <= 2)}`;
  });
  row('>= 500 orders/s through the whole choreography on 2 cores', x => `knee ${x.knee}/s, ${yes(x.knee >= 500)}`);
  row('convergence p95 < 100 ms at half the knee', x => {
    const p = x.half.convergence.p95;
    return `${p} ms, ${yes(p < 100)}`;
  });
  // Issue 15's targets: what this architecture reaches when every hop carries more than one fact.
  row(
    '>= 150 orders/s through the whole choreography on 2 cores (issue 15)',
    x => `knee ${x.knee}/s, ${yes(x.knee >= 150)}`,
  );
  row('<= 12 ms of CPU per order, apps and sidecars (issue 15)', x => {
    const c = cpuPerOrder(x).msPerOrder;
    return `${f(c)} ms, ${yes(c <= 12)}`;
  });
  row('each app < 80 MB resident at idle (RSS, issue 15)', x => {
    const max = Math.max(...x.footprint.idle.map(s => s.app?.rssMb ?? 0));
    return `max ${max} MB, ${yes(max < 80)}`;
  });
  row('each daprd < 60 MB resident at idle (RSS)', x => {
    const max = Math.max(...x.footprint.idle.map(s => s.daprd?.rssMb ?? 0));
    return `max ${max} MB, ${yes(max < 60)}`;
  });
  row('each daprd < 60 MB of its own at idle (PSS)', x => {
    const max = Math.max(...x.footprint.idle.map(s => s.daprd?.pssMb ?? 0));
    return `max ${max} MB, ${yes(max < 60)}`;
  });
  return out.join('\n') + '\n';
}
