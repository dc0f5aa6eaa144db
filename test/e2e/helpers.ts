// What the end-to-end suites share: a real local system on shifted ports, HTTP helpers, polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { LIVE_CONSOLE, LocalSystem, readCatalog, waitFor, type SystemOptions } from '@lab/runtime';
import { formatReport, verify, type Counters, type VerifyInput } from '@lab/verify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@lab/runtime';

/**
 * Suites run one after another (--runInBand) on the same shifted ports and run folder, beside a developer's
 * system on the default ports. Each start wipes the previous suite's data and reaps anything it left running.
 */
export const E2E_OFFSET = Number(process.env.LAB_E2E_OFFSET ?? 10_000);
export const E2E_RUN_DIR = process.env.LAB_E2E_RUN_DIR ?? join(REPO_ROOT, '.run', `e2e-${E2E_OFFSET}`);

/** The services startSystem() starts: the catalog, the live console only for a suite that asks (withConsole). */
export const systemCatalog = () => readCatalog().filter(s => s.name !== LIVE_CONSOLE);

export function startSystem(opts: Omit<SystemOptions, 'portOffset' | 'runDir'> = {}) {
  return LocalSystem.start({ ...opts, portOffset: E2E_OFFSET, runDir: E2E_RUN_DIR });
}

/**
 * Waits for a `lab-runtime up` child to print its "services healthy" line. Fails at once if the child exits
 * first, and either way with the tail of what it printed (`output` is read when the error is made, not before).
 */
export async function waitForLabUp(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const tail = () => output().slice(-3000);
  let state: 'healthy' | 'exited';
  try {
    state = await waitFor(
      async () => {
        if (/services healthy/.test(output())) return 'healthy' as const;
        return child.exitCode !== null || child.signalCode !== null ? ('exited' as const) : undefined;
      },
      { timeoutMs, what: 'lab-runtime up to print "services healthy"', intervalMs: 100 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\noutput so far:\n${tail()}`, { cause: err });
  }
  if (state === 'exited') {
    throw new Error(
      `lab-runtime up exited (code ${child.exitCode}, signal ${child.signalCode}) before it was healthy; output:\n${tail()}`,
    );
  }
}

export interface LabUp {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** Starts `lab-runtime up` on the end-to-end port slot and waits until it reports every service healthy. */
export async function startLabUp(timeoutMs: number): Promise<LabUp> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'tools', 'runtime', 'dist', 'cli.js'), 'up'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LAB_PORT_OFFSET: String(E2E_OFFSET), LAB_RUN_DIR: E2E_RUN_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', d => (out += d.toString()));
  child.stderr.on('data', d => (out += d.toString()));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  const up = { child, output: () => out, exited };
  try {
    await waitForLabUp(child, up.output, timeoutMs);
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  return up;
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const anOrder = (customerId = 'c-e2e', unitPrice = 1200) => ({
  customerId,
  items: [{ sku: 'book', quantity: 2, unitPrice }],
});

/** The facts of an order that reached SHIPPED: on both brokers they can be applied in any order. */
export const SHIPPED_FACTS = ['OrderCreated', 'PaymentCompleted', 'DeliveryStarted'];

/**
 * Polls GET /orders/:id until `status` and, when `facts` are given, until its history holds each of them; fails
 * with the last state seen. A fact can arrive after the one that moved the status (DeliveryStarted before
 * PaymentCompleted: the order is SHIPPED, and PaymentCompleted is recorded a moment later), so a test that
 * reads the history waits for the facts it reads, not only for the status.
 */
export async function waitForOrderStatus(
  baseUrl: string,
  orderId: string,
  status: string,
  timeoutMs = 15_000,
  facts: string[] = [],
) {
  let last: unknown;
  const has = (body: { history?: { event: string }[] }) => facts.every(f => body.history?.some(h => h.event === f));
  try {
    return await waitFor(
      async () => {
        const res = await http(`GET`, `${baseUrl}/orders/${orderId}`);
        last = res.body;
        return res.status === 200 && res.body.status === status && has(res.body) ? res.body : undefined;
      },
      {
        timeoutMs,
        what: `order ${orderId} to be ${status}${facts.length ? ` with ${facts.join(', ')} in its history` : ''}`,
        intervalMs: 20,
      },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast order state: ${JSON.stringify(last)}`, { cause: err });
  }
}

/** Polls `probe` (an HTTP GET) until `accept` holds; fails with the last answer seen. */
export async function eventually<T = any>(
  url: string,
  accept: (body: T, status: number) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  let last: unknown;
  try {
    return await waitFor(
      async () => {
        const res = await http<T>('GET', url);
        last = { status: res.status, body: res.body };
        return accept(res.body, res.status) ? res.body : undefined;
      },
      { timeoutMs, what, intervalMs: 25 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast answer from ${url}: ${JSON.stringify(last)}`, { cause: err });
  }
}

/** Publishes a CloudEvent through one service's sidecar, as a publisher would (used to stage out-of-order facts). */
export async function publishVia(system: LocalSystem, service: string, topic: string, event: object): Promise<void> {
  const s = system.service(service);
  const res = await fetch(`${s.daprUrl}/v1.0/publish/pubsub/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': system.daprApiToken },
    body: JSON.stringify(event),
  });
  if (res.status !== 204)
    throw new Error(`publish to ${topic} via ${service} answered ${res.status}: ${await res.text()}`);
}

export interface BurstResult {
  accepted: string[];
  /** Requests refused while a fault was active (e.g. the broker down): never accepted, so never owed. */
  refused: number;
}

/**
 * Places `n` orders with `concurrency` in flight. `at` runs a fault once `k` orders were accepted,
 * while the burst goes on; the burst waits for it before returning.
 */
export async function burst(
  baseUrl: string,
  n: number,
  opts: { concurrency?: number; at?: { k: number; run: () => Promise<void> }; customer?: (i: number) => string } = {},
): Promise<BurstResult> {
  const accepted: string[] = [];
  let refused = 0;
  let next = 0;
  let fault: Promise<void> | undefined;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await http('POST', `${baseUrl}/orders`, anOrder(opts.customer?.(i) ?? `burst-${i % 7}`)).catch(
        () => undefined,
      );
      if (res?.status === 202) accepted.push(res.body.orderId);
      else refused += 1;
      if (opts.at && !fault && accepted.length >= opts.at.k) fault = opts.at.run();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  await fault;
  return { accepted, refused };
}

const lastCounters = new WeakMap<LocalSystem, Counters>();

/**
 * The verifier against a LocalSystem; the report is printed and kept in <runDir>/reports/<name>.json. Deliveries and
 * re-announcements are counted since the previous verification of the same system (the tests of a file run in turn).
 */
/** The API URL of every instance of a service (one unless the system runs replicas of its consumers). */
export const instanceUrls = (system: LocalSystem, name: string) => system.instances(name).map(i => i.url);

/** One admin call to every instance of a service (each process has its own fault knobs and counters). */
export function adminEach(system: LocalSystem, name: string, method: string, path: string, body?: unknown) {
  const auth = { authorization: `Bearer ${system.adminToken}` };
  return Promise.all(instanceUrls(system, name).map(u => http(method, `${u}${path}`, body, auth)));
}

export async function verifySystem(system: LocalSystem, name: string, input: VerifyInput) {
  const urls = Object.fromEntries([...system.services.keys()].map(n => [n, system.url(n)]));
  const instances = Object.fromEntries([...system.services.keys()].map(n => [n, instanceUrls(system, n)]));
  const baseline = lastCounters.get(system);
  const report = await verify(
    { urls, instances, adminToken: system.adminToken },
    { ...(baseline ? { baseline } : {}), ...input },
  );
  lastCounters.set(system, report.counters);
  mkdirSync(join(system.runDir, 'reports'), { recursive: true });
  writeFileSync(join(system.runDir, 'reports', `${name}.json`), JSON.stringify(report, null, 2));
  process.stdout.write(formatReport(name, report) + '\n');
  return report;
}

/**
 * Deliveries of `topic` answered with `outcome` by every instance of `service`, read from each instance's metrics
 * port (eda_events_handled_total; a process restarted since starts again from 0).
 */
export async function handledCount(system: LocalSystem, service: string, topic: string, outcome: string) {
  let n = 0;
  for (const i of system.instances(service)) {
    const res = await fetch(`http://127.0.0.1:${i.ports.appMetrics}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 200) throw new Error(`${service} metrics answered ${res.status}`);
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith('eda_events_handled_total{')) continue;
      if (line.includes(`topic="${topic}"`) && line.includes(`outcome="${outcome}"`))
        n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return n;
}
