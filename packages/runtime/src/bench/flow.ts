// Benchmarks 3-5: orders per second through the whole choreography, convergence, sync vs event acceptance, footprint.
import type { LocalSystem } from '../system';
import { waitFor } from '../wait';
import { atRate, footprint, summarize, type Summary } from './measure';

const body = (i: number) =>
  JSON.stringify({ customerId: `bench-${i % 50}`, items: [{ sku: 'book', quantity: 1, unitPrice: 1000 }] });

async function post(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(Math.floor(Math.random() * 1e6)),
  });
  const json = (await res.json()) as { orderId?: string };
  if (res.status >= 300 || !json.orderId) throw new Error(`POST answered ${res.status}`);
  return json.orderId;
}

export interface FlowStep {
  rate: number;
  accepted: number;
  acceptance: Summary;
  /** Orders SHIPPED per second, from the first order placed to the last one shipped. */
  completedPerSecond: number;
  convergence: Summary;
  drainedInMs: number;
}

/** Offers `rate` orders/s for `seconds`, then waits until every accepted order is SHIPPED and measures. */
export async function flowStep(system: LocalSystem, rate: number, seconds: number): Promise<FlowStep> {
  const order = system.url('order');
  const shipped = async () =>
    ((await (await fetch(`${system.url('stats')}/stats`)).json()) as { totals: { deliveries: number } }).totals
      .deliveries;
  const before = await shipped();
  const ids: string[] = [];
  const acceptance = await atRate(rate, seconds, async () => ids.push(await post(`${order}/orders`)));
  const loadEnded = Date.now();
  // One cheap probe (stats counts DeliveryStarted) instead of polling every order, which would load the system.
  await waitFor(async () => ((await shipped()) - before >= ids.length ? true : undefined), {
    timeoutMs: 300_000,
    what: `${ids.length} orders to ship at ${rate}/s`,
    intervalMs: 100,
  });
  const orders = new Map<string, { status: string; createdAt: string; updatedAt: string }>();
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(
      ids
        .slice(i, i + 16)
        .map(async id => orders.set(id, (await (await fetch(`${order}/orders/${id}`)).json()) as never)),
    );
  }
  const all = [...orders.values()].filter(o => o.status === 'SHIPPED');
  const conv = all.map(o => Date.parse(o.updatedAt) - Date.parse(o.createdAt));
  const first = Math.min(...all.map(o => Date.parse(o.createdAt)));
  const last = Math.max(...all.map(o => Date.parse(o.updatedAt)));
  return {
    rate,
    accepted: ids.length,
    acceptance,
    completedPerSecond: Math.round((all.length / Math.max(1, last - first)) * 1000),
    convergence: summarize(conv, 0, (last - first) / 1000),
    drainedInMs: Math.max(0, last - loadEnded),
  };
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
  return [...system.services.values()].map(s => ({
    service: s.entry.name,
    app: s.app.pid ? footprint(s.app.pid) : undefined,
    daprd: s.sidecar.pid ? footprint(s.sidecar.pid) : undefined,
  }));
}
