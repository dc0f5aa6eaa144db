// The report's sections for one broker: each figure beside its same-run baseline, with the ratio.
import type { Footprint } from './measure';
import type { BrokerRun } from './result';
import { chartBlock, flowCharts } from './charts';

export const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
/** A difference with its sign: +1.20, -0.40. */
export const signed = (x: number) => (Number.isFinite(x) && x >= 0 ? `+${f(x)}` : f(x));
export const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const title = (b: string) => (b === 'kafka' ? 'Kafka' : 'Redis');

/** Added p99 of publishing through daprd over the direct baseline, one value per repetition. */
export const addedPublishP99 = (r: BrokerRun) => r.publish.map(p => p.fixedRate.dapr.p99 - p.fixedRate.direct.p99);

/** CPU-seconds spent over the 50%/80% steps by the apps and by the sidecars, and per shipped order. */
export function cpuPerOrder(r: BrokerRun) {
  const spent = (pick: (x: { app?: Footprint; daprd?: Footprint }) => Footprint | undefined) =>
    r.footprint.loaded.reduce((sum, l) => {
      const b = pick(r.footprint.before.find(x => x.service === l.service) ?? {});
      const a = pick(l);
      return sum + (a && b ? a.cpuSeconds - b.cpuSeconds : 0);
    }, 0);
  const apps = spent(x => x.app);
  const sidecars = spent(x => x.daprd);
  const orders = r.half.accepted + r.eighty.accepted;
  return { apps, sidecars, orders, msPerOrder: ((apps + sidecars) * 1000) / Math.max(1, orders) };
}

export function brokerSections(r: BrokerRun, n: number): string[] {
  const out: string[] = [];
  const b = title(r.broker);
  out.push(`## ${n}. On ${b}`, '');

  out.push(`### ${n}.1 Publish: through daprd versus straight to ${b}`, '');
  out.push(
    `Payload ${r.publish[0]?.payloadBytes ?? '?'} bytes. Baseline: ${r.publish[0]?.direct ?? '?'} from Node. daprd path: HTTP \`POST /v1.0/publish\` (what \`@dapr/dapr\` does), sent with node:http on kept-alive sockets (with fetch, the generator's own CPU showed up as several ms of p99).`,
    '',
    '| run | rate | daprd p50 / p90 / p99 ms | direct p50 / p90 / p99 ms | added p90 | added p99 |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  r.publish.forEach((p, i) => {
    const d = p.fixedRate.dapr;
    const x = p.fixedRate.direct;
    out.push(
      `| ${i + 1} | ${p.fixedRate.rate}/s | ${f(d.p50)} / ${f(d.p90)} / ${f(d.p99)} | ${f(x.p50)} / ${f(x.p90)} / ${f(x.p99)} | ${signed(d.p90 - x.p90)} | ${signed(d.p99 - x.p99)} |`,
    );
  });
  const added99 = addedPublishP99(r);
  out.push(
    '',
    `Added p99, median of ${added99.length}: **${signed(median(added99))} ms** (spread ${f(Math.min(...added99))} to ${f(Math.max(...added99))}).`,
    '',
    '| run | in flight | daprd msg/s | direct msg/s | ratio | daprd p99 ms | direct p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  r.publish.forEach((p, i) => {
    const s = p.saturation;
    out.push(
      `| ${i + 1} | ${s.concurrency} | ${s.dapr.throughput} | ${s.direct.throughput} | ${ratio(s.dapr.throughput, s.direct.throughput)} | ${f(s.dapr.p99)} | ${f(s.direct.p99)} |`,
    );
  });

  out.push('', `### ${n}.2 Delivery: daprd to a Koa subscriber versus a Node consumer reading ${b}`, '');
  out.push(
    `Time from publish to the handler seeing the event, same process and clock for both ends. daprd path: publish through one sidecar, delivered by another to a bare Koa app. Baseline: ${r.delivery[0]?.baseline ?? '?'}.`,
    '',
    '| run | rate | daprd p50 / p90 / p99 ms | direct p50 / p90 / p99 ms | added p50 | added p99 |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  r.delivery.forEach((d, i) => {
    out.push(
      `| ${i + 1} | ${d.rate}/s | ${f(d.dapr.p50)} / ${f(d.dapr.p90)} / ${f(d.dapr.p99)} | ${f(d.direct.p50)} / ${f(d.direct.p90)} / ${f(d.direct.p99)} | ${signed(d.dapr.p50 - d.direct.p50)} | ${signed(d.dapr.p99 - d.direct.p99)} |`,
    );
  });

  if (r.delivery.some(d => d.dapr.p50 < d.direct.p50)) {
    out.push(
      '',
      'A negative difference means daprd delivered sooner than the Node consumer did: the baseline client, not the broker, was the slower part of that path.',
    );
  }

  out.push('', `### ${n}.3 The whole choreography: orders per second and convergence`, '');
  out.push(
    '| offered | accepted | accept p50 / p95 / p99 ms | errors | shipped/s | convergence p50 / p95 / p99 ms | drained after load |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of [...r.steps, r.half, r.eighty]) {
    out.push(
      `| ${s.rate}/s | ${s.accepted} | ${f(s.acceptance.p50)} / ${f(s.acceptance.p95)} / ${f(s.acceptance.p99)} | ${s.acceptance.errors} | ${s.completedPerSecond} | ${s.convergence.p50} / ${s.convergence.p95} / ${s.convergence.p99} | ${s.drainedInMs} ms |`,
    );
  }
  out.push(
    '',
    `Knee (highest offered rate still shipped at >= 90% of it, without errors): **${r.knee} orders/s**. The last two rows are 50% and 80% of it.`,
    '',
  );
  out.push(...chartBlock(r.broker, flowCharts(r), 'Charts from this run.'));

  const sv = r.syncVersusEvent;
  out.push(`### ${n}.4 The price of the synchronous chain, everything healthy`, '');
  out.push(
    '| flow | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- |',
    `| event (202 after one publish) | ${f(sv.event.p50)} | ${f(sv.event.p95)} | ${f(sv.event.p99)} |`,
    `| sync chain (201 after payment, gateway, delivery, notification) | ${f(sv.sync.p50)} | ${f(sv.sync.p95)} | ${f(sv.sync.p99)} |`,
    '',
    `At ${sv.rate} orders/s the chain answers ${ratio(sv.sync.p50, sv.event.p50)} slower at p50, ${ratio(sv.sync.p99, sv.event.p99)} at p99.`,
    '',
  );

  out.push(`### ${n}.5 Footprint`, '');
  out.push(
    `Memory just after the warm-up (10 orders), at idle (${r.footprint.idleAfterSeconds ?? 0} s later, without load) and after the 50%/80% steps, in MB: RSS (every page mapped in, shared ones included), PSS (shared pages split among the processes sharing them) and private (this process alone). Between the warm-up and the idle reading each app gives back its young generation once it has been quiet for one window (kit idle-trim.ts, IDLE_TRIM_MS). CPU is the average share of one core over those ${f(r.footprint.busySeconds)} s.`,
    '',
    '| service | app RSS after warm-up | app RSS / PSS / private idle | app RSS loaded | app CPU | daprd RSS / PSS / private idle | daprd RSS loaded | daprd CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const mem = (x?: Footprint) => (x ? `${x.rssMb} / ${x.pssMb} / ${x.privateMb}` : '-');
  for (const idle of r.footprint.idle) {
    const before = r.footprint.before.find(x => x.service === idle.service);
    const l = r.footprint.loaded.find(x => x.service === idle.service);
    const w = r.footprint.warm?.find(x => x.service === idle.service);
    const cpu = (a?: Footprint, z?: Footprint) =>
      a && z ? `${Math.round(((z.cpuSeconds - a.cpuSeconds) / r.footprint.busySeconds) * 100)}%` : '-';
    out.push(
      `| ${idle.service} | ${w?.app?.rssMb ?? '-'} | ${mem(idle.app)} | ${l?.app?.rssMb ?? '-'} | ${cpu(before?.app, l?.app)} | ${mem(idle.daprd)} | ${l?.daprd?.rssMb ?? '-'} | ${cpu(before?.daprd, l?.daprd)} |`,
    );
  }
  const c = cpuPerOrder(r);
  const heaviest = [...r.footprint.loaded].sort(
    (x, y) =>
      (y.app?.cpuSeconds ?? 0) + (y.daprd?.cpuSeconds ?? 0) - (x.app?.cpuSeconds ?? 0) - (x.daprd?.cpuSeconds ?? 0),
  )[0]?.service;
  out.push(
    '',
    "Most of an idle app's RSS is the node executable's own pages (its code, the JIT compilers, the code of Node's built-in modules), mapped from one file and shared by every app: PSS counts each app its share of them, private leaves them out. What is the app's own is V8's heap (the old generation the modules built, a young generation trimmed to its minimum once quiet) and the allocator's arenas; a service that touches ICU (Intl, toLocaleString) pays its data pages on top.",
    '',
    `Over the 50%/80% steps the nine apps used ${f(c.apps)} CPU-seconds and the nine sidecars ${f(c.sidecars)} for ${c.orders} orders: ` +
      `**${f(c.msPerOrder)} ms of CPU per order** (apps ${Math.round((c.apps / Math.max(1e-9, c.apps + c.sidecars)) * 100)}%, daprd ${Math.round((c.sidecars / Math.max(1e-9, c.apps + c.sidecars)) * 100)}%), before the brokers and the load generator. ` +
      `The process using the most CPU was ${heaviest}.`,
    '',
  );
  if (r.profile) {
    const p = r.profile;
    out.push(`### ${n}.6 Where the apps' CPU goes`, '');
    out.push(
      `The nine apps ran under V8's sampling profiler (\`--cpu-prof\`, a system of its own so the steps above are not slowed) through ${p.orders} orders at ${p.rate}/s; the samples of those ${f(p.seconds)} s, summed over every app by kind of code (self time):`,
      '',
      '| kind of code | CPU ms | share |',
      '| --- | --- | --- |',
      ...p.shares.map(x => `| ${x.kind} | ${x.ms} | ${Math.round(x.share * 1000) / 10}% |`),
      '',
    );
  }
  if (r.observability) {
    const o = r.observability;
    out.push(`### ${n}.7 What tracing and metrics cost in daprd`, '');
    out.push(
      `The same step (${o.rate} orders/s) on two fresh systems: the sidecars' Configuration as shipped (\`components/config.yaml\`: every request sampled for tracing, metrics on) and with sampling 0 and metrics off.`,
      '',
      '| sidecar configuration | daprd CPU ms per order | apps CPU ms per order | orders |',
      '| --- | --- | --- | --- |',
      `| as shipped | ${o.shipped.daprdMs} | ${o.shipped.appsMs} | ${o.shipped.orders} |`,
      `| tracing and metrics off | ${o.quiet.daprdMs} | ${o.quiet.appsMs} | ${o.quiet.orders} |`,
      '',
      `With tracing and metrics on, the sidecars spend ${f(o.shipped.daprdMs - o.quiet.daprdMs)} ms more CPU per order (${Math.round((o.shipped.daprdMs / Math.max(1e-9, o.quiet.daprdMs) - 1) * 100)}%).`,
      '',
    );
  }
  return out;
}
