// Failure isolation: both flows side by side while the chaos API stops notification, then starts it. The event
// flow keeps >= 99.9% success with its p95 within 1.5x the healthy baseline; the chain's errors follow the failure.
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { startService, stopService } from '../clients/chaos.ts';
import { env, profiles } from '../clients/env.ts';
import { placeOrder, placeOrderSync } from '../clients/orders.ts';
import { summaryHandler } from '../clients/summary.ts';
import { runId } from '../lib/env.ts';
import { METRIC, SUMMARY_TREND_STATS } from '../lib/metrics.ts';
import { idOf } from '../lib/payloads.ts';
import { isolationSeconds, p95, phaseAt } from '../lib/profiles.ts';
import { reports } from '../lib/scenarios.ts';
import { thresholds } from '../lib/thresholds.ts';

const p = profiles.isolation;
const total = isolationSeconds(p);
const ratio = new Trend(METRIC.eventVsBaseline);
const syncFailed = new Rate(METRIC.syncFailed);

const flow = (fn: string): Scenario => ({
  executor: 'constant-arrival-rate',
  rate: p.rate,
  timeUnit: '1s',
  duration: `${total}s`,
  preAllocatedVUs: 20,
  maxVUs: 300,
  exec: fn,
});

export const options: Options = {
  setupTimeout: '120s',
  scenarios: {
    event: flow('eventFlow'),
    sync: flow('syncFlow'),
    chaos: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: `${total + 60}s`, exec: 'driveFault' },
  },
  thresholds: thresholds.isolation,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

interface Data {
  baselineP95: number;
  run: string;
}

/** The healthy baseline: event-flow acceptance p95 over a warm sample, before any fault. */
export function setup(): Data {
  if (!env.CHAOS_TOKEN) fail('CHAOS_TOKEN is required: the scenario stops notification through the chaos API');
  const run = runId();
  const ms: number[] = [];
  for (let i = 0; i < p.baselineSamples; i++) {
    const r = placeOrder(idOf('iso-baseline', run, i), { tags: { phase: 'baseline' } });
    if (r.status === 202 && i >= p.baselineWarmup) ms.push(r.timings.duration);
  }
  return { baselineP95: Math.max(p95(ms) ?? 0, 1), run };
}

const phase = () => phaseAt((Date.now() - exec.scenario.startTime) / 1000, p);

export function eventFlow(data: Data) {
  const ph = phase();
  const r = placeOrder(idOf('iso', data.run, exec.scenario.iterationInTest % 100), { tags: { phase: ph } });
  check(r, { 'event flow accepted': x => x.status === 202 });
  ratio.add(r.timings.duration / data.baselineP95, { phase: ph });
}

export function syncFlow(data: Data) {
  const ph = phase();
  const r = placeOrderSync(idOf('iso-sync', data.run, exec.scenario.iterationInTest % 100), { tags: { phase: ph } });
  syncFailed.add(r.status !== 201, { phase: ph });
}

export function driveFault() {
  sleep(p.healthy);
  check(stopService('notification'), { 'chaos: notification stopped': r => r.status === 200 });
  sleep(p.fault);
  check(startService('notification'), { 'chaos: notification started': r => r.status === 200 });
}

/** Whatever happened, notification is running again afterwards. */
export function teardown() {
  startService('notification');
}

export const handleSummary = summaryHandler(reports.isolation);
