// An open-loop load generator: requests start at a fixed arrival rate whether or not earlier ones have answered,
// so a slow server shows up as latency and errors rather than as fewer requests (what k6 calls arrival rate).
export interface Sample {
  flow: string;
  phase: string;
  /** When the request started (epoch ms, the load generator's clock): the charts' time axis. */
  at: number;
  ms: number;
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  ok: boolean;
  orderId?: string;
}

export interface Flow {
  name: string;
  /** Requests per second; read again before every request, so a scenario can change it mid-run. */
  rate: () => number;
  send: (i: number) => Promise<{ status: number; ok: boolean; orderId?: string }>;
}

export interface LoadOptions {
  flows: Flow[];
  /** The phase label a request is filed under, read when it starts. */
  phase: () => string;
  /** The scenario ends the load by resolving this (its timeline), or by the hard bounds below. */
  until: Promise<unknown>;
  maxRequests: number;
  maxDurationMs: number;
  /** More than this many unanswered requests per flow: the next one is dropped and counted, not queued. */
  maxInFlight?: number;
}

export interface LoadResult {
  samples: Sample[];
  dropped: Record<string, number>;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const samples: Sample[] = [];
  const dropped: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  let done = false;
  void opts.until.finally(() => (done = true));
  const hardStop = Date.now() + opts.maxDurationMs;
  let sent = 0;

  const loop = async (flow: Flow) => {
    let inFlight = 0;
    let due = Date.now();
    for (let i = 0; !done && Date.now() < hardStop && sent < opts.maxRequests; i++) {
      const wait = due - Date.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      if (done) break;
      due += 1000 / Math.max(flow.rate(), 0.1);
      if (inFlight >= (opts.maxInFlight ?? 200)) {
        dropped[flow.name] = (dropped[flow.name] ?? 0) + 1;
        continue;
      }
      sent += 1;
      inFlight += 1;
      const phase = opts.phase();
      const at = Date.now();
      const t0 = performance.now();
      const p = flow
        .send(i)
        .catch(() => ({ status: 0, ok: false }))
        .then(r => {
          samples.push({ flow: flow.name, phase, at, ms: performance.now() - t0, ...r });
        })
        .finally(() => {
          inFlight -= 1;
          pending.delete(p);
        });
      pending.add(p);
    }
  };
  await Promise.all(opts.flows.map(loop));
  await Promise.all([...pending]);
  return { samples, dropped };
}

/** POST JSON over loopback with a deadline; the status and the parsed body (or undefined). */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed };
}

export const anOrder = (customerId: string) => ({
  customerId,
  items: [{ sku: 'book', quantity: 1, unitPrice: 1200 }],
});

/** A few untimed orders through both flows first, so the baseline measures a warm system, not JIT and connections. */
export async function warmUp(orderUrl: string, n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await postJson(`${orderUrl}/orders?flow=sync`, anOrder(`warm-s-${i}`)).catch(() => undefined);
    await postJson(`${orderUrl}/orders`, anOrder(`warm-e-${i}`)).catch(() => undefined);
  }
}
