// Convergence: how long an accepted order takes to be SHIPPED, from the client's POST to the read that sees it
// (a custom Trend), under a steady rate.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';
import { getOrder, placeOrder } from '../clients/orders.js';
import { runId } from '../lib/env.js';
import { profiles } from '../lib/profiles.js';
import { thresholds } from '../lib/thresholds.js';

const p = profiles.convergence;
const convergence = new Trend('order_convergence', true);
const converged = new Rate('order_converged');

export const options = {
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
};

export function setup() {
  return { run: runId() };
}

export default function (data) {
  const t0 = Date.now();
  const placed = placeOrder(`conv-${data.run}-${exec.scenario.iterationInTest % 50}`);
  if (!check(placed, { 'order accepted': r => r.status === 202 })) return;
  const orderId = placed.json('orderId');
  while (Date.now() - t0 < p.deadlineMs) {
    const r = getOrder(orderId);
    if (r.status === 200 && r.json('status') === 'SHIPPED') {
      convergence.add(Date.now() - t0);
      converged.add(true);
      return;
    }
    sleep(0.1);
  }
  converged.add(false);
}
