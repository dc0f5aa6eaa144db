// Smoke: one order through the event flow to SHIPPED, its timeline, the chain, a sign-up, an idempotent replay of
// the same order, and the chaos API's guard.
import { check, sleep } from 'k6';
import type { Options } from 'k6/options';
import { listServices, listServicesUnauthenticated } from '../clients/chaos.ts';
import { env, profiles } from '../clients/env.ts';
import { bodyOf } from '../clients/http.ts';
import { getOrder, placeOrder, placeOrderSync, timeline } from '../clients/orders.ts';
import { summaryHandler } from '../clients/summary.ts';
import { signUp } from '../clients/users.ts';
import { oneTrace, orderIdOf, statusOf } from '../lib/answers.ts';
import { runId } from '../lib/env.ts';
import { SUMMARY_TREND_STATS } from '../lib/metrics.ts';
import { idOf } from '../lib/payloads.ts';
import { reports } from '../lib/scenarios.ts';
import { thresholds } from '../lib/thresholds.ts';

const p = profiles.smoke;

export const options: Options = {
  vus: 1,
  iterations: p.iterations,
  thresholds: thresholds.smoke,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

function waitShipped(orderId: string): boolean {
  const until = Date.now() + p.shipDeadlineMs;
  while (Date.now() < until) {
    const r = getOrder(orderId);
    if (r.status === 200 && statusOf(bodyOf(r)) === 'SHIPPED') return true;
    sleep(0.1);
  }
  return false;
}

export default function () {
  const run = runId();
  const key = idOf('smoke-key', run, 0);
  const placed = placeOrder(idOf('smoke', run, 0), { idempotencyKey: key });
  const orderId = orderIdOf(bodyOf(placed));
  check(placed, { 'POST /orders is 202': r => r.status === 202 && orderId !== undefined });
  if (orderId !== undefined) {
    check(orderId, { 'the order ships': o => waitShipped(o) });
    check(timeline(orderId), {
      'its timeline holds the facts under one trace id': r => r.status === 200 && oneTrace(bodyOf(r)),
    });
    check(placeOrder(idOf('smoke', run, 0), { idempotencyKey: key }), {
      'the same Idempotency-Key answers the same order': r =>
        r.status === 202 && orderIdOf(bodyOf(r)) === orderId && r.headers['Idempotent-Replayed'] === 'true',
    });
  }
  check(placeOrderSync(idOf('smoke-sync', run, 0)), { 'POST /orders?flow=sync is 201': r => r.status === 201 });
  check(signUp(`${idOf('smoke', run, 0)}@example.com`), { 'POST /users is 202': r => r.status === 202 });
  check(listServicesUnauthenticated(), { 'chaos API refuses a caller without the token': r => r.status === 401 });
  if (env.CHAOS_TOKEN) check(listServices(), { 'chaos API lists the services': r => r.status === 200 });
}

export const handleSummary = summaryHandler(reports.smoke);
