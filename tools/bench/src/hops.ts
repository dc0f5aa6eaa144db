// What one order costs in calls through the sidecars, read from every daprd's own metrics (port `metrics`): state
// operations by kind, publishes, deliveries and service invocations, summed over the system.
import type { LocalSystem } from '@lab/runtime';

/** The counters an order moves, by the name the cost table gives them: daprd's own, and the apps' per-event count. */
export const HOP_KINDS = {
  'state get': { from: 'daprd', metric: 'dapr_component_state_count', labels: { operation: 'get' } },
  'state set': { from: 'daprd', metric: 'dapr_component_state_count', labels: { operation: 'set' } },
  'state other': { from: 'daprd', metric: 'dapr_component_state_count', labels: {} },
  publish: { from: 'daprd', metric: 'dapr_component_pubsub_egress_count', labels: {} },
  // Events handled, each event of a bulk delivery on its own (daprd counts a bulk delivery once).
  'event delivered': { from: 'app', metric: 'eda_events_handled_total', labels: {} },
  // daprd -> app requests: one per delivery (or per batch with bulk subscribe) and per invocation received.
  'app channel call': { from: 'daprd', metric: 'dapr_http_client_completed_count', labels: {} },
  invocation: { from: 'daprd', metric: 'dapr_runtime_service_invocation_req_sent_total', labels: {} },
} as const;
export type HopKind = keyof typeof HOP_KINDS;
export type Hops = Record<HopKind, number>;

/** Sums every sample of `metric` whose labels include `labels` in Prometheus text format (counters only). */
export function sumSamples(text: string, metric: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== metric) continue;
    const have = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(x => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

const scrape = (port: number) =>
  fetch(`http://127.0.0.1:${port}/metrics`)
    .then(r => r.text())
    .catch(() => '');

/** One process's hop counters from its daprd's and its app's metrics texts. */
function hopsOf(texts: { daprd: string; app: string }): Hops {
  const out = {} as Hops;
  for (const [kind, h] of Object.entries(HOP_KINDS) as [HopKind, (typeof HOP_KINDS)[HopKind]][]) {
    out[kind] = sumSamples(texts[h.from], h.metric, h.labels);
  }
  // "state other": every state operation that is neither a get nor a set (deletes, bulk, transactions).
  out['state other'] -= out['state get'] + out['state set'];
  return out;
}

/** Adds `b` into `a`, kind by kind. */
export function addHops(a: Hops, b: Hops): Hops {
  const out = { ...a };
  for (const k of Object.keys(b) as HopKind[]) out[k] = (out[k] ?? 0) + b[k];
  return out;
}

/** Every hop counter by service (its instances summed; a process that does not answer counts 0). */
export async function countHopsByService(system: LocalSystem): Promise<Map<string, Hops>> {
  const instances = system.allInstances();
  const texts = await Promise.all(
    instances.map(async s => ({ daprd: await scrape(s.ports.metrics), app: await scrape(s.ports.appMetrics) })),
  );
  const out = new Map<string, Hops>();
  instances.forEach((s, i) => {
    const h = hopsOf(texts[i]!);
    const had = out.get(s.entry.name);
    out.set(s.entry.name, had ? addHops(had, h) : h);
  });
  return out;
}

/** Every hop counter, summed over the system. */
export async function countHops(system: LocalSystem): Promise<Hops> {
  return [...(await countHopsByService(system)).values()].reduce(addHops, {} as Hops);
}

/** Per order: the difference of two counts divided by the orders between them. */
export function hopsPerOrder(before: Hops, after: Hops, orders: number): Hops {
  const out = {} as Hops;
  for (const k of Object.keys(after) as HopKind[]) out[k] = (after[k] - before[k]) / Math.max(1, orders);
  return out;
}
