// Load: a steady arrival rate of orders and sign-ups; acceptance stays fast, nothing is refused, and k6 keeps the
// rate (a dropped iteration fails the run: the load asked for was never offered).
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { profiles } from '../clients/env.ts';
import { placeOrder } from '../clients/orders.ts';
import { summaryHandler } from '../clients/summary.ts';
import { signUp } from '../clients/users.ts';
import { runId } from '../lib/env.ts';
import { SUMMARY_TREND_STATS } from '../lib/metrics.ts';
import { idOf } from '../lib/payloads.ts';
import { reports } from '../lib/scenarios.ts';
import { thresholds } from '../lib/thresholds.ts';

const p = profiles.load;

export const options: Options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: p.rate,
      timeUnit: '1s',
      duration: `${p.seconds}s`,
      preAllocatedVUs: p.preAllocatedVUs,
      maxVUs: p.maxVUs,
    },
  },
  thresholds: thresholds.load,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup() {
  return { run: runId() };
}

export default function (data: ReturnType<typeof setup>) {
  const i = exec.scenario.iterationInTest;
  if (Math.random() < p.signupShare) {
    check(signUp(`${idOf('load', data.run, i)}@example.com`), { 'sign-up accepted': r => r.status === 202 });
  } else {
    check(placeOrder(idOf('load', data.run, i % 100)), { 'order accepted': r => r.status === 202 });
  }
}

export const handleSummary = summaryHandler(reports.load);
