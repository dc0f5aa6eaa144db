// Load: a steady arrival rate of orders and sign-ups; acceptance stays fast and nothing is refused.
import { check } from 'k6';
import exec from 'k6/execution';
import { placeOrder } from '../clients/orders.js';
import { signUp } from '../clients/users.js';
import { runId } from '../lib/env.js';
import { profiles } from '../lib/profiles.js';
import { thresholds } from '../lib/thresholds.js';

const p = profiles.load;

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: p.rate,
      timeUnit: '1s',
      duration: `${p.seconds}s`,
      preAllocatedVUs: 20,
      maxVUs: 200,
    },
  },
  thresholds: thresholds.load,
};

export function setup() {
  return { run: runId() };
}

export default function (data) {
  const i = exec.scenario.iterationInTest;
  if (Math.random() < p.signupShare) {
    check(signUp(`load-${data.run}-${i}@example.com`), { 'sign-up accepted': r => r.status === 202 });
  } else {
    check(placeOrder(`load-${data.run}-${i % 100}`), { 'order accepted': r => r.status === 202 });
  }
}
