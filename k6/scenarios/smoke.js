// Smoke: one order through the event flow to SHIPPED, its timeline, the chain, a sign-up, the chaos API's guard.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { getOrder, placeOrder, placeOrderSync, timeline } from '../clients/orders.js';
import { signUp } from '../clients/users.js';
import { listServices } from '../clients/chaos.js';
import { env, runId } from '../lib/env.js';
import { profiles } from '../lib/profiles.js';
import { thresholds } from '../lib/thresholds.js';

export const options = { vus: 1, iterations: profiles.smoke.iterations, thresholds: thresholds.smoke };

function waitShipped(orderId, deadlineMs = 20000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const r = getOrder(orderId);
    if (r.status === 200 && r.json('status') === 'SHIPPED') return true;
    sleep(0.1);
  }
  return false;
}

export default function () {
  const id = runId();
  const placed = placeOrder(`smoke-${id}`);
  check(placed, { 'POST /orders is 202': r => r.status === 202 });
  if (placed.status === 202) {
    const orderId = placed.json('orderId');
    check(orderId, { 'the order ships': o => waitShipped(o) });
    check(timeline(orderId), {
      'its timeline holds the facts under one trace id': r =>
        r.status === 200 && new Set(r.json('events').map(e => e.traceId)).size === 1,
    });
  }
  check(placeOrderSync(`smoke-sync-${id}`), { 'POST /orders?flow=sync is 201': r => r.status === 201 });
  check(signUp(`smoke-${id}@example.com`), { 'POST /users is 202': r => r.status === 202 });
  check(http.get(`${env.CHAOS_URL}/chaos/services`, { tags: { flow: 'chaos' } }), {
    'chaos API refuses a caller without the token': r => r.status === 401,
  });
  if (env.CHAOS_TOKEN) check(listServices(), { 'chaos API lists the services': r => r.status === 200 });
}
