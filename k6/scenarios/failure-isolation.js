// Failure isolation (issue 6): both flows side by side while the chaos API stops notification, then starts it.
// The event flow keeps >= 99.9% success with its p95 within 1.5x the healthy baseline; the chain's errors follow the failure.
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import { placeOrder, placeOrderSync } from '../clients/orders.js';
import { startService, stopService } from '../clients/chaos.js';
import { env, runId } from '../lib/env.js';
import { phaseAt, profiles } from '../lib/profiles.js';
import { thresholds } from '../lib/thresholds.js';

const p = profiles.isolation;
const total = p.healthy + p.fault + p.after;
const ratio = new Trend('event_latency_vs_baseline');
const syncFailed = new Rate('sync_failed');
const flow = exec => ({
  executor: 'constant-arrival-rate',
  rate: p.rate,
  timeUnit: '1s',
  duration: `${total}s`,
  preAllocatedVUs: 20,
  maxVUs: 300,
  exec,
});

export const options = {
  setupTimeout: '120s',
  scenarios: {
    event: flow('eventFlow'),
    sync: flow('syncFlow'),
    chaos: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: `${total + 60}s`, exec: 'driveFault' },
  },
  thresholds: thresholds.isolation,
};

const percentile95 = xs => xs.sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];

/** The healthy baseline: event-flow acceptance p95 over a warm sample, before any fault. */
export function setup() {
  if (!env.CHAOS_TOKEN) fail('CHAOS_TOKEN is required: the scenario stops notification through the chaos API');
  const ms = [];
  for (let i = 0; i < 60; i++) {
    const r = placeOrder(`iso-baseline-${i}`, { phase: 'baseline' });
    if (r.status === 202 && i >= 10) ms.push(r.timings.duration);
  }
  return { baselineP95: Math.max(percentile95(ms), 1), run: runId() };
}

const phase = () => phaseAt((Date.now() - exec.scenario.startTime) / 1000, p);

export function eventFlow(data) {
  const ph = phase();
  const r = placeOrder(`iso-${data.run}-${exec.scenario.iterationInTest % 100}`, { phase: ph });
  check(r, { 'event flow accepted': x => x.status === 202 });
  ratio.add(r.timings.duration / data.baselineP95, { phase: ph });
}

export function syncFlow(data) {
  const ph = phase();
  const r = placeOrderSync(`iso-sync-${data.run}-${exec.scenario.iterationInTest % 100}`, { phase: ph });
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
