// Burst: a 10x spike against a slow consumer (payment capped through the chaos API). Acceptance keeps its SLO,
// and at the end every accepted order has converged, checked through the API.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { setFaults } from '../clients/chaos.ts';
import { env, profiles } from '../clients/env.ts';
import { bodyOf } from '../clients/http.ts';
import { ordersOf, placeOrder } from '../clients/orders.ts';
import { summaryHandler } from '../clients/summary.ts';
import { statusesOf } from '../lib/answers.ts';
import { runId } from '../lib/env.ts';
import { METRIC, SUMMARY_TREND_STATS } from '../lib/metrics.ts';
import { TERMINAL } from '../lib/orders.ts';
import { idOf } from '../lib/payloads.ts';
import { burstPhaseAt, burstSeconds, burstStages } from '../lib/profiles.ts';
import { reports } from '../lib/scenarios.ts';
import { thresholds } from '../lib/thresholds.ts';

const p = profiles.burst;
const converged = new Rate(METRIC.ordersConverged);

export const options: Options = {
  setupTimeout: '60s',
  scenarios: {
    burst: {
      executor: 'ramping-arrival-rate',
      startRate: p.base,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 500,
      stages: burstStages(p),
    },
    converge: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      startTime: `${burstSeconds(p) + 2}s`,
      maxDuration: '180s',
      exec: 'checkConvergence',
    },
  },
  thresholds: thresholds.burst,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

interface Data {
  run: string;
}

export function setup(): Data {
  // A slow consumer makes the backlog visible; without a chaos token the spike runs against the normal pace.
  if (env.CHAOS_TOKEN) setFaults('payment', { maxRps: p.consumerRps });
  return { run: runId() };
}

const customer = (data: Data, i: number) => idOf('burst', data.run, i % p.customers);

export default function (data: Data) {
  const ph = burstPhaseAt((Date.now() - exec.scenario.startTime) / 1000, p);
  check(placeOrder(customer(data, exec.scenario.iterationInTest), { tags: { phase: ph } }), {
    'order accepted': r => r.status === 202,
  });
}

const statuses = (c: string) => statusesOf(bodyOf(ordersOf(c)));

/** Polls every customer's orders until all are SHIPPED or CANCELLED (deadline), then records one sample each. */
export function checkConvergence(data: Data) {
  const until = Date.now() + p.convergeDeadlineMs;
  const pending = new Set(Array.from({ length: p.customers }, (_, i) => customer(data, i)));
  while (pending.size > 0 && Date.now() < until) {
    for (const c of [...pending]) {
      const seen = statuses(c);
      if (seen && seen.every(s => TERMINAL.includes(s))) {
        for (const _ of seen) converged.add(true);
        pending.delete(c);
      }
    }
    if (pending.size > 0) sleep(1);
  }
  for (const c of pending) for (const s of statuses(c) ?? ['unreadable']) converged.add(TERMINAL.includes(s));
  check(pending, { 'every accepted order converged': left => left.size === 0 });
}

export function teardown() {
  if (env.CHAOS_TOKEN) setFaults('payment', {});
}

export const handleSummary = summaryHandler(reports.burst);
