#!/usr/bin/env node
// What the apps' metrics cost (issue 16): `node tools/bench/dist/metrics-cost.js [--system]`.
// In-process: one scrape of a registry holding a busy app's series, and the instrumentation of one delivery and
// one HTTP request against the same work without it. With --system: the apps' CPU per order on two fresh systems
// in one run, as shipped and with prom-client's observations turned into no-ops (a preload, nothing in the product).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryMeter, metricsListener, metricsRegistry, metricsText, resetMetrics } from '@lab/kit';
import { REPO_ROOT } from '@lab/runtime';
import { readToolEnv } from '@lab/runtime';
import { LocalSystem, resolveBroker } from '@lab/runtime';
import { flowStep, footprints } from './flow';

const say = (s: string) => process.stdout.write(s + '\n');
const TOPICS = ['order-created', 'payment-completed', 'payment-failed', 'delivery-started', 'order-cancelled'];
const noop = async () => {};

/** Nanoseconds per iteration of `op`, best of 5 rounds of `n` (the least disturbed by the machine's other work). */
async function perOp(n: number, op: (i: number) => Promise<void> | void): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op(i);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return best;
}

async function inProcess() {
  metricsListener(); // turns the default process metrics on, as in an app
  metricsRegistry.setDefaultLabels({ service: 'bench' });
  resetMetrics();
  const body = (i: number) => ({ id: `e-${i}`, time: new Date().toISOString() });
  // A busy subscriber's series: every topic, every outcome, delays and durations observed.
  for (let i = 0; i < 2000; i++) {
    const m = deliveryMeter(TOPICS[i % TOPICS.length]!, body(i));
    await m.timed(noop);
    m.done((['success', 'retry', 'dead_lettered', 'duplicate'] as const)[i % 4]!);
  }
  const text = await metricsText();
  const scrapeMs = (await perOp(50, () => metricsText().then(() => {}))) / 1e6;

  const bare = await perOp(100_000, noop);
  const metered = await perOp(100_000, async i => {
    const m = deliveryMeter('order-created', body(i));
    await m.timed(noop);
    m.done('success');
  });
  const withBody = await perOp(100_000, i => void body(i)); // the test's own event building, subtracted
  // The real HTTP histogram, as the shell's middleware uses it (its route lookup is a property read when matched).
  const http = metricsRegistry.getSingleMetric('eda_http_request_duration_seconds') as unknown as {
    startTimer(): (labels: Record<string, string>) => number;
  };
  const request = await perOp(100_000, () => {
    const stop = http.startTimer();
    stop({ method: 'POST', route: '/orders', status: '202' });
  });
  return {
    scrape: { ms: scrapeMs, bytes: text.length, series: text.split('\n').filter(l => l && !l.startsWith('#')).length },
    deliveryUs: (metered - bare - withBody) / 1000,
    httpUs: request / 1000,
  };
}

/** The apps' CPU ms per order on a fresh system; `quiet` makes every observation of prom-client a no-op. */
async function cpuPerOrder(quiet: boolean, rate: number, seconds: number) {
  const runDir = join(REPO_ROOT, '.run', 'bench', `metrics-${quiet ? 'quiet' : 'shipped'}`);
  mkdirSync(runDir, { recursive: true });
  const preload = join(runDir, 'no-metrics.js');
  writeFileSync(
    preload,
    `const p = require(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'prom-client'))});\n` +
      'for (const C of [p.Counter, p.Histogram]) {\n' +
      '  C.prototype.inc = () => {}; C.prototype.observe = () => {}; C.prototype.startTimer = () => () => 0;\n' +
      '}\n',
  );
  const sys = await LocalSystem.start({
    broker: resolveBroker(),
    portOffset: readToolEnv(process.env, { portOffset: 15_000 }).portOffset,
    runDir,
    appEnv: { LOG_LEVEL: 'warn', ...(quiet ? { NODE_OPTIONS: `--require ${preload}` } : {}) },
    startTimeoutMs: 180_000,
  });
  try {
    await flowStep(sys, 10, 1); // warm-up
    const before = footprints(sys);
    const step = await flowStep(sys, rate, seconds);
    const after = footprints(sys);
    const cpu = after.reduce((n, x, i) => n + ((x.app?.cpuSeconds ?? 0) - (before[i]?.app?.cpuSeconds ?? 0)), 0);
    return { msPerOrder: (cpu * 1000) / Math.max(1, step.accepted), orders: step.accepted };
  } finally {
    await sys.stop();
  }
}

async function main() {
  const r = await inProcess();
  say(`one scrape: ${r.scrape.ms.toFixed(2)} ms for ${r.scrape.series} series (${r.scrape.bytes} bytes)`);
  say(`instrumentation per delivery: ${r.deliveryUs.toFixed(2)} us; per HTTP request: ${r.httpUs.toFixed(2)} us`);
  if (!process.argv.includes('--system')) return;
  const rate = 20;
  const seconds = 15;
  const runs: { quiet: boolean; msPerOrder: number; orders: number }[] = [];
  for (const quiet of [false, true, false, true]) runs.push({ quiet, ...(await cpuPerOrder(quiet, rate, seconds)) });
  for (const x of runs)
    say(
      `apps' CPU per order ${x.quiet ? 'without' : 'with   '} metrics: ${x.msPerOrder.toFixed(2)} ms (${x.orders} orders at ${rate}/s)`,
    );
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
