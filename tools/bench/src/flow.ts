// Benchmarks 3-5: orders per second through the whole choreography, convergence, sync vs event acceptance, footprint.
import { randomUUID } from 'node:crypto';
import { DeliveryStarted } from '@lab/contracts';
import type { LocalSystem } from '@lab/runtime';
import { topicCounter } from '@lab/runtime';
import { waitFor } from '@lab/runtime';
import { atRate, footprint, summarize, type Summary } from './measure';
import { sendJson } from './client';

// A customer per order, as in a shop with many customers: per-customer records (order list, inbox, points
// account) stay small, so every step costs the same. A few customers placing thousands of orders would make each
// event rewrite ever longer lists and the later steps dearer than the first (docs/performance.md says more).
const body = () => ({
  customerId: `bench-${randomUUID()}`,
  items: [{ sku: 'book', quantity: 1, unitPrice: 1000 }],
});

async function post(url: string): Promise<string> {
  const res = await sendJson<{ orderId?: string }>(url, body());
  if (res.status >= 300 || !res.body?.orderId) throw new Error(`POST answered ${res.status}`);
  return res.body.orderId;
}

interface StoredOrder {
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface FlowStep {
  rate: number;
  accepted: number;
  acceptance: Summary;
  /** Orders SHIPPED per second, from the first order placed to the last one shipped. */
  completedPerSecond: number;
  convergence: Summary;
  /** Every order's convergence (ms), for the distribution chart. */
  convergenceValues: number[];
  drainedInMs: number;
}

/** Offers `rate` orders/s for `seconds`, then waits until every accepted order is SHIPPED and measures. */
export async function flowStep(system: LocalSystem, rate: number, seconds: number): Promise<FlowStep> {
  const order = system.url('order');
  // The probe reads the broker (how many DeliveryStarted reached the bus), not an app: polling must not load
  // the processes being measured.
  const counter = await topicCounter(system);
  try {
    const dispatched = () => counter.length(DeliveryStarted.topic).catch(() => 0);
    const before = await dispatched();
    const ids: string[] = [];
    const acceptance = await atRate(rate, seconds, async () => ids.push(await post(`${order}/orders`)));
    const loadEnded = Date.now();
    await waitFor(async () => ((await dispatched()) - before >= ids.length ? true : undefined), {
      timeoutMs: 300_000,
      what: `${ids.length} orders to be dispatched at ${rate}/s`,
      intervalMs: 100,
    });
    // Dispatched is not yet SHIPPED at order: read every order, and again the few still on their way.
    const orders = new Map<string, StoredOrder>();
    await waitFor(
      async () => {
        const pending = ids.filter(id => orders.get(id)?.status !== 'SHIPPED');
        for (let i = 0; i < pending.length; i += 16) {
          await Promise.all(
            pending
              .slice(i, i + 16)
              .map(async id => orders.set(id, (await sendJson<StoredOrder>(`${order}/orders/${id}`)).body)),
          );
        }
        return ids.every(id => orders.get(id)?.status === 'SHIPPED') ? true : undefined;
      },
      { timeoutMs: 60_000, what: `${ids.length} orders to be SHIPPED at ${rate}/s`, intervalMs: 100 },
    );
    const all = [...orders.values()];
    const conv = all.map(o => Date.parse(o.updatedAt) - Date.parse(o.createdAt));
    const first = Math.min(...all.map(o => Date.parse(o.createdAt)));
    const last = Math.max(...all.map(o => Date.parse(o.updatedAt)));
    return {
      rate,
      accepted: ids.length,
      acceptance,
      completedPerSecond: Math.round((all.length / Math.max(1, last - first)) * 1000),
      convergence: summarize(conv, 0, (last - first) / 1000),
      convergenceValues: conv,
      drainedInMs: Math.max(0, last - loadEnded),
    };
  } finally {
    await counter.close();
  }
}

/** POST latency of the event flow versus the synchronous chain, everything healthy, at the same rate. */
export async function syncVersusEvent(system: LocalSystem, rate: number, seconds: number) {
  const order = system.url('order');
  return {
    rate,
    event: await atRate(rate, seconds, () => post(`${order}/orders`)),
    sync: await atRate(rate, seconds, () => post(`${order}/orders?flow=sync`)),
  };
}

export function footprints(system: LocalSystem) {
  return system.allInstances().map(s => ({
    service: s.replica === 0 ? s.entry.name : `${s.entry.name}.${s.replica + 1}`,
    app: s.app.pid ? footprint(s.app.pid) : undefined,
    daprd: s.sidecar.pid ? footprint(s.sidecar.pid) : undefined,
  }));
}
