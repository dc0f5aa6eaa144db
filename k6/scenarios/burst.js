// Burst: a 10x spike against a slow consumer (payment capped through the chaos API). Acceptance keeps its SLO,
// and at the end every accepted order has converged, checked through the API.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Rate } from 'k6/metrics';
import { ordersOf, placeOrder, TERMINAL } from '../clients/orders.js';
import { setFaults } from '../clients/chaos.js';
import { env, runId } from '../lib/env.js';
import { profiles } from '../lib/profiles.js';
import { thresholds } from '../lib/thresholds.js';

const p = profiles.burst;
const converged = new Rate('orders_converged');
const burstS = p.calm * 2 + p.spikeFor;

export const options = {
  setupTimeout: '60s',
  scenarios: {
    burst: {
      executor: 'ramping-arrival-rate',
      startRate: p.base,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 500,
      stages: [
        { target: p.base, duration: `${p.calm}s` },
        { target: p.spike, duration: '1s' },
        { target: p.spike, duration: `${p.spikeFor - 1}s` },
        { target: p.base, duration: '1s' },
        { target: p.base, duration: `${p.calm - 1}s` },
      ],
    },
    converge: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      startTime: `${burstS + 2}s`,
      maxDuration: '180s',
      exec: 'checkConvergence',
    },
  },
  thresholds: thresholds.burst,
};

export function setup() {
  // A slow consumer makes the backlog visible; without a chaos token the spike runs against the normal pace.
  if (env.CHAOS_TOKEN) setFaults('payment', { maxRps: p.consumerRps });
  return { run: runId() };
}

export default function (data) {
  const s = (Date.now() - exec.scenario.startTime) / 1000;
  const ph = s < p.calm ? 'before' : s < p.calm + p.spikeFor + 1 ? 'spike' : 'after';
  check(placeOrder(`burst-${data.run}-${exec.scenario.iterationInTest % p.customers}`, { phase: ph }), {
    'order accepted': r => r.status === 202,
  });
}

/** Polls every customer's orders until all are SHIPPED or CANCELLED (deadline 150 s), then records one sample each. */
export function checkConvergence(data) {
  const until = Date.now() + 150000;
  const pending = new Set(Array.from({ length: p.customers }, (_, i) => `burst-${data.run}-${i}`));
  let seen = 0;
  while (pending.size > 0 && Date.now() < until) {
    for (const c of [...pending]) {
      const orders = ordersOf(c).json('orders') || [];
      if (orders.every(o => TERMINAL.includes(o.status))) {
        seen += orders.length;
        for (const _ of orders) converged.add(true);
        pending.delete(c);
      }
    }
    if (pending.size > 0) sleep(1);
  }
  for (const c of pending) for (const o of ordersOf(c).json('orders') || []) converged.add(TERMINAL.includes(o.status));
  check(seen, { 'every accepted order converged': () => pending.size === 0 });
}

export function teardown() {
  if (env.CHAOS_TOKEN) setFaults('payment', {});
}
