// Demo (lecture 1, 3): the synchronous chain order -> payment -> delivery -> notification. Notification is first
// slowed with its fault knobs, then stopped: the caller's latency and errors follow the last link, step by step.
import { loadCharts, windowOf } from './charts';
import { runDemo, type DemoContext } from './harness';
import { anOrder, postJson, runLoad, warmUp } from './load';
import { setFaults, sleep } from './observe';
import { pct, statusMix, summarize, summaryTable } from './stats';

const SLOW_MS = 800;

async function run({ system, short, say }: DemoContext) {
  const order = system.url('order');
  const phaseMs = short ? 4_000 : 20_000;
  const rate = 4;
  let phase = 'healthy';
  await warmUp(order);
  const t0 = Date.now();
  const marks = { slow: NaN, down: NaN, up: NaN };

  say(`Lecture 1: "synchronous calls make cascading failures". POST /orders?flow=sync answers only when`);
  say(`payment, delivery and notification have all answered. ${rate} orders/s, open loop.`);
  const timeline = (async () => {
    say(`[healthy] ${phaseMs / 1000} s: the chain's own latency.`);
    await sleep(phaseMs);
    marks.slow = Date.now();
    await setFaults(system, 'notification', { latencyMs: SLOW_MS });
    phase = 'slow';
    say(`[slow] notification's fault knobs: +${SLOW_MS} ms per request. Lecture 3: one slow service, all slow.`);
    await sleep(phaseMs);
    phase = 'stopping';
    marks.down = Date.now();
    say(`[down] notification (app and sidecar) stopped. Lecture 3: the failure propagates to the caller.`);
    await system.stopService('notification');
    phase = 'down';
    await sleep(phaseMs);
    phase = 'starting';
    say(`[recovered] notification started again with no added latency.`);
    await system.startService('notification');
    marks.up = Date.now();
    phase = 'after';
    await sleep(phaseMs);
  })();

  const load = await runLoad({
    phase: () => phase,
    until: timeline.catch(() => undefined),
    maxRequests: 10_000,
    maxDurationMs: phaseMs * 4 + 60_000,
    flows: [
      {
        name: 'sync',
        rate: () => rate,
        send: async i => {
          const r = await postJson(`${order}/orders?flow=sync`, anOrder(`cascade-${i}`));
          return { status: r.status, ok: r.status === 201 };
        },
      },
    ],
  });
  await timeline;

  const [h, sl, d, a] = ['healthy', 'slow', 'down', 'after'].map(p => summarize(load.samples, 'sync', p)) as [
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
  ];
  say(`Chain p50: healthy ${h.p50} ms, notification slowed ${sl.p50} ms; failed while down: ${pct(1 - d.okRate)}.`);
  return {
    measurements: { load: [h, sl, d, a], dropped: load.dropped, addedLatencyMs: SLOW_MS },
    charts: loadCharts(
      load.samples,
      t0,
      [
        windowOf(`notification +${SLOW_MS} ms`, marks.slow, marks.down, t0),
        windowOf('notification down', marks.down, marks.up, t0),
      ],
      short ? 1 : 2,
    ),
    tables: [
      summaryTable(`The sync chain at ${rate} orders/s, phases of ${phaseMs / 1000} s`, [h, sl, d, a]),
      {
        title: 'Status codes per phase',
        header: ['phase', 'statuses'],
        rows: ['healthy', 'slow', 'stopping', 'down', 'starting', 'after'].map(p => [
          p,
          statusMix(load.samples, 'sync', p) || '-',
        ]),
      },
    ],
    claims: [
      {
        claim: 'the chain works when every link is healthy',
        holds: h.okRate >= 0.99,
        evidence: `${pct(h.okRate)} 201`,
      },
      {
        claim: `the chain's latency follows the slow link (p50 grows by at least ${SLOW_MS * 0.9} ms)`,
        holds: sl.p50 - h.p50 >= SLOW_MS * 0.9,
        evidence: `p50 ${h.p50} -> ${sl.p50} ms, p95 ${h.p95} -> ${sl.p95} ms`,
      },
      {
        claim: "the chain's errors follow the dead link (>= 95% failed)",
        holds: d.sent > 0 && 1 - d.okRate >= 0.95,
        evidence: `${d.failed}/${d.sent} failed: ${statusMix(load.samples, 'sync', 'down')}`,
      },
      { claim: 'the chain recovers with the link', holds: a.okRate >= 0.95, evidence: `${pct(a.okRate)} 201 after` },
    ],
  };
}

void runDemo({ name: 'cascade', title: 'Cascade: a synchronous chain follows its weakest link', lecture: '1, 3', run });
