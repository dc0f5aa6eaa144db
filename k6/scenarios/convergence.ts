// Convergence: how long an accepted order takes to be SHIPPED, from the client's POST to the read that sees it
// (a custom Trend), under a steady rate.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { profiles } from '../clients/env.ts';
import { bodyOf } from '../clients/http.ts';
import { getOrder, placeOrder } from '../clients/orders.ts';
import { summaryHandler } from '../clients/summary.ts';
import { orderIdOf, statusOf } from '../lib/answers.ts';
import { runId } from '../lib/env.ts';
import { METRIC, SUMMARY_TREND_STATS } from '../lib/metrics.ts';
import { idOf } from '../lib/payloads.ts';
import { reports } from '../lib/scenarios.ts';
import { thresholds } from '../lib/thresholds.ts';

const p = profiles.convergence;
const convergence = new Trend(METRIC.orderConvergence, true);
const converged = new Rate(METRIC.orderConverged);

export const options: Options = {
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: p.rate,
      timeUnit: '1s',
      duration: `${p.seconds}s`,
      preAllocatedVUs: 20,
      maxVUs: 300,
    },
  },
  thresholds: thresholds.convergence,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup() {
  return { run: runId() };
}

export default function (data: ReturnType<typeof setup>) {
  const t0 = Date.now();
  const placed = placeOrder(idOf('conv', data.run, exec.scenario.iterationInTest % p.customers));
  const orderId = orderIdOf(bodyOf(placed));
  if (!check(placed, { 'order accepted': r => r.status === 202 && orderId !== undefined }) || !orderId) return;
  while (Date.now() - t0 < p.deadlineMs) {
    const r = getOrder(orderId);
    if (r.status === 200 && statusOf(bodyOf(r)) === 'SHIPPED') {
      convergence.add(Date.now() - t0);
      converged.add(true);
      return;
    }
    sleep(0.1);
  }
  converged.add(false);
}

export const handleSummary = summaryHandler(reports.convergence);
