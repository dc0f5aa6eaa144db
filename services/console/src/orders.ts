// Orders from the page: one order through either flow, and a small load of each flow side by side.
import { randomUUID } from 'node:crypto';
import { call, type Answer } from './upstream';

export type Flow = 'event' | 'sync';

export interface Placed {
  flow: Flow;
  status: number;
  ms: number;
  orderId?: string;
  /** The order's status when order answered with one (the synchronous chain does). */
  orderStatus?: string;
  error?: string;
}

/** Orders in flight at once per flow during a load. */
export const LOAD_CONCURRENCY = 4;

const anOrder = () => ({
  customerId: `console-${randomUUID().slice(0, 8)}`,
  items: [{ sku: 'book', quantity: 1, unitPrice: 1000 }],
});

export async function placeOrder(orderUrl: string, flow: Flow): Promise<Placed> {
  const url = `${orderUrl}/orders${flow === 'sync' ? '?flow=sync' : ''}`;
  const a: Answer = await call('POST', url, { body: anOrder(), timeoutMs: 20_000 });
  const body = (typeof a.body === 'object' && a.body !== null ? a.body : {}) as {
    orderId?: string;
    status?: string;
    error?: { code?: string };
  };
  const ok = a.status >= 200 && a.status < 300;
  return {
    flow,
    status: a.status,
    ms: Math.round(a.ms),
    ...(ok && body.orderId ? { orderId: body.orderId } : {}),
    ...(ok && body.status ? { orderStatus: body.status } : {}),
    ...(!ok ? { error: body.error?.code ?? (a.status === 0 ? 'no answer' : `status ${a.status}`) } : {}),
  };
}

export interface FlowSummary {
  sent: number;
  accepted: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  errors: Record<string, number>;
}

export function summarise(results: readonly Placed[]): FlowSummary {
  const ms = results.map(r => r.ms).sort((a, b) => a - b);
  const at = (q: number) => (ms.length === 0 ? 0 : ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!);
  const failed = results.filter(r => r.status < 200 || r.status >= 300);
  const errors: Record<string, number> = {};
  for (const f of failed) errors[String(f.status)] = (errors[String(f.status)] ?? 0) + 1;
  return {
    sent: results.length,
    accepted: results.length - failed.length,
    failed: failed.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: ms[ms.length - 1] ?? 0,
    errors,
  };
}

/** `count` orders of one flow, LOAD_CONCURRENCY at a time; each answer is handed to `each` as it comes. */
async function flowLoad(orderUrl: string, flow: Flow, count: number, each: (p: Placed) => void): Promise<Placed[]> {
  const out: Placed[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const p = await placeOrder(orderUrl, flow);
      each(p);
      out.push(p);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, count) }, worker));
  return out;
}

/** Both flows at once, the same number of orders each: the lecture's comparison under whatever fault is set. */
export async function sideBySide(orderUrl: string, count: number, each: (p: Placed) => void) {
  const [event, sync] = await Promise.all([
    flowLoad(orderUrl, 'event', count, each),
    flowLoad(orderUrl, 'sync', count, each),
  ]);
  return { event: summarise(event), sync: summarise(sync) };
}
