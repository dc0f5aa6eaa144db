// Demo (lecture 6-3): a 10x spike against a deliberately slow consumer (payment capped with maxRps). Acceptance
// stays fast because order only announces; the backlog waits on the broker, grows, then drains; every order converges.
import { backlogChart } from '@lab/charts';
import { convergenceCharts, loadCharts, windowOf } from './charts';
import { runDemo, type DemoContext } from './harness';
import { anOrder, postJson, runLoad } from './load';
import { convergence, getJson, setFaults, sleep, verifierRows, verifyOrders } from './observe';
import { pct, summarize, summaryTable } from './stats';
import { waitFor } from '@lab/runtime';

const BASE_RATE = 2;
const SPIKE_RATE = 20;
const CONSUMER_RPS = 8;
// The acceptance SLO of k6/lib/thresholds.ts (BURST_ACCEPT_P95_MS): reported against, not asserted, since a busy
// machine moves a p95 of a few hundred requests on its own. The claim is the decoupling itself: an order that waited
// for payment would take as long to accept as to ship, so acceptance must stay a small part of the time to ship.
const ACCEPT_SLO_MS = 500;
const DECOUPLED_RATIO = 0.25;

async function run({ system, short, say }: DemoContext) {
  const order = system.url('order');
  const [calmMs, spikeMs] = short ? [3_000, 5_000] : [15_000, 15_000];
  let phase = 'before';
  let accepted = 0;
  // The backlog, read through the API: orders accepted minus payments the stats service has counted.
  const paid = async () => Number((await getJson(`${system.url('stats')}/stats`)).body?.totals?.payments ?? 0);
  await setFaults(system, 'payment', { maxRps: CONSUMER_RPS });
  say(`Lecture 6-3: "the queue absorbs a sudden surge". payment now handles at most ${CONSUMER_RPS} events/s.`);
  say(`Load: ${BASE_RATE}/s, then ${SPIKE_RATE}/s (10x) for ${spikeMs / 1000} s, then ${BASE_RATE}/s again.`);

  const backlog: { t: number; phase: string; backlog: number }[] = [];
  const t0 = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      backlog.push({ t: Date.now() - t0, phase, backlog: accepted - (await paid()) });
      await sleep(250);
    }
  })();

  let spikeStart = NaN;
  const timeline = (async () => {
    await sleep(calmMs);
    spikeStart = Date.now();
    phase = 'spike';
    say(`[spike] ${SPIKE_RATE} orders/s. order answers 202 once OrderCreated is on the bus, not when it is paid.`);
    await sleep(spikeMs);
    phase = 'after';
    const spikeEnd = Date.now();
    say(`[after] back to ${BASE_RATE}/s; the backlog drains at the consumer's own pace.`);
    await sleep(calmMs);
    return spikeEnd;
  })();
  const rateOf = () => (phase === 'spike' ? SPIKE_RATE : BASE_RATE);
  const load = await runLoad({
    phase: () => phase,
    until: timeline.catch(() => undefined),
    maxRequests: 5_000,
    maxDurationMs: calmMs * 2 + spikeMs + 60_000,
    flows: [
      {
        name: 'event',
        rate: rateOf,
        send: async i => {
          const r = await postJson(`${order}/orders`, anOrder(`burst-${i % 50}`));
          if (r.status === 202) accepted += 1;
          return {
            status: r.status,
            ok: r.status === 202,
            ...(r.status === 202 ? { orderId: String(r.body?.orderId) } : {}),
          };
        },
      },
    ],
  });
  const spikeEnd = await timeline;
  const drained = await waitFor(async () => ((await paid()) >= accepted ? Date.now() : undefined), {
    timeoutMs: 120_000,
    what: 'the backlog to drain',
    intervalMs: 250,
  }).catch(() => undefined);
  sampling = false;
  await sampler;
  const peak = Math.max(0, ...backlog.map(b => b.backlog));
  const drainMs = drained === undefined ? NaN : drained - spikeEnd;
  say(`Backlog peaked at ${peak} orders and drained ${(drainMs / 1000).toFixed(1)} s after the spike ended.`);

  const ids = load.samples.filter(s => s.orderId).map(s => s.orderId!);
  say(`Verifier: ${ids.length} accepted orders, every effect exactly once...`);
  const report = await verifyOrders(system, ids, 120_000);
  const { values: convergenceValues, ...conv } = await convergence(system, ids);
  const windows = [windowOf(`${SPIKE_RATE}/s spike`, spikeStart, spikeEnd, t0)];
  const [b, s, a] = ['before', 'spike', 'after'].map(p => summarize(load.samples, 'event', p)) as [
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
  ];
  const curve = backlog.filter((_, i) => i % 4 === 0).map(x => [`${(x.t / 1000).toFixed(1)} s`, x.phase, x.backlog]);
  return {
    measurements: {
      load: [b, s, a],
      dropped: load.dropped,
      backlogPeak: peak,
      drainMs,
      backlog,
      convergenceMs: conv,
      verifier: report,
    },
    charts: [
      ...loadCharts(load.samples, t0, windows, 1),
      {
        file: 'backlog.svg',
        alt: "payment's backlog over time: orders accepted minus payments counted by stats, every 250 ms",
        spec: backlogChart(
          `payment's backlog (accepted - paid), payment capped at ${CONSUMER_RPS}/s`,
          backlog.map(x => ({ subscriber: 'payment', t: x.t / 1000, depth: x.backlog })),
          windows,
        ),
      },
      ...convergenceCharts([{ label: 'orders', ms: convergenceValues }]),
    ],
    tables: [
      summaryTable('Acceptance latency (POST /orders -> 202)', [b, s, a]),
      {
        title: 'Backlog and convergence',
        header: ['measure', 'value'],
        rows: [
          ['backlog peak (accepted - paid)', peak],
          ['drained after the spike', `${(drainMs / 1000).toFixed(1)} s`],
          ['convergence POST -> SHIPPED p50 / p95 / p99', `${conv.p50} / ${conv.p95} / ${conv.p99} ms`],
          ...verifierRows(report),
        ],
      },
      { title: 'Backlog over time (every second)', header: ['t', 'phase', 'backlog'], rows: curve },
    ],
    claims: [
      {
        claim: 'every order was accepted during the spike',
        holds: s.okRate >= 0.999,
        evidence: `${pct(s.okRate)} (${s.ok}/${s.sent})`,
      },
      {
        claim: `acceptance did not wait for the backlog (spike p95 under ${DECOUPLED_RATIO}x the p95 time to ship)`,
        holds: s.p95 < DECOUPLED_RATIO * conv.p95,
        evidence:
          `accept p95 ${s.p95} ms (before ${b.p95} ms) vs ship p95 ${conv.p95} ms ` +
          `(${(s.p95 / Math.max(conv.p95, 1)).toFixed(2)}x); the ${ACCEPT_SLO_MS} ms SLO ${s.p95 <= ACCEPT_SLO_MS ? 'met' : 'missed'}`,
      },
      {
        claim: 'the broker held a visible backlog',
        holds: peak >= 10,
        evidence: `peak ${peak} orders waiting for payment`,
      },
      {
        claim: 'the backlog drained',
        holds: drained !== undefined,
        evidence: `${(drainMs / 1000).toFixed(1)} s after the spike`,
      },
      {
        claim: 'every accepted order converged, nothing lost or doubled',
        holds: report.ok && report.duplicatedEffects === 0,
        evidence: `${report.orders.shipped}/${report.orders.accepted} shipped; convergence p99 ${conv.p99} ms`,
      },
    ],
  };
}

void runDemo({ name: 'burst', title: 'Burst: the broker absorbs a 10x spike', lecture: '5, 6-3, 7-1', run });
