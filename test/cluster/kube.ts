// What the cluster suites share: the real tools (kubectl, helm) against the cluster `./lab cluster up` made,
// port-forwards, HTTP and polling. Nothing here talks to a fake.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, waitFor } from '@lab/runtime';

export { waitFor };
export const NAMESPACE = 'eda-lab';
export const RELEASE = 'eda-lab';
export const CHART = join(REPO_ROOT, 'helm', 'eda-lab');
const cache = process.env.LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eda-lab');
/** The values `./lab cluster up` wrote for this cluster (offline: the images it built). */
export const CLUSTER_VALUES = process.env.LAB_CLUSTER_VALUES ?? join(cache, 'cluster', 'state', 'chart-values.yaml');
const HELM = process.env.HELM_BIN ?? 'helm';
/** The host ports the kind node maps to the public services' NodePorts (tools/cluster/cluster.sh). */
export const ORDER_URL = `http://127.0.0.1:${process.env.LAB_CLUSTER_ORDER_PORT ?? 3000}`;
/** The dev profiles' fixed tokens (helm/eda-lab/ci/*-values.yaml): dev only. */
export const DEV_TOKENS = { chaos: 'dev-chaos-token', admin: 'dev-admin-token', daprApi: 'dev-dapr-api-token' };

const run = promisify(execFile);

/** Runs a real tool; on failure the error carries its stderr. */
export async function sh(cmd: string, args: string[], timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}
export const kubectl = (...args: string[]) => sh('kubectl', args);
/** A tool whose exit code is an answer (`kubectl auth can-i` exits 1 for "no"): its stdout, whatever the code. */
export async function answerOf(cmd: string, args: string[]): Promise<string> {
  return new Promise(resolve => {
    execFile(cmd, args, { timeout: 60_000 }, (_err, stdout, stderr) =>
      resolve(`${stdout}`.trim() || `${stderr}`.trim()),
    );
  });
}
export const kubectlNs = (...args: string[]) => sh('kubectl', ['-n', NAMESPACE, ...args]);
export const helm = (...args: string[]) => sh(HELM, args, 600_000);
export async function kubeJson<T = any>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectlNs(...args, '-o', 'json')) as T;
}

/** A profile of the chart: helm/eda-lab/ci/<profile>-values.yaml. */
export type Profile = 'redis' | 'kafka' | 'production';
/** Installs (or upgrades) the chart with a profile and this cluster's values, and waits for it. */
export async function installChart(profile: Profile, extra: string[] = []): Promise<void> {
  try {
    await helmInstall(profile, extra);
  } catch (err) {
    // helm --wait says only 'context deadline exceeded': say which pods were not ready, and why.
    throw new Error(`${(err as Error).message}\n${await whyNotReady()}`, { cause: err });
  }
}

async function helmInstall(profile: Profile, extra: string[]): Promise<void> {
  await helm(
    'upgrade',
    '--install',
    RELEASE,
    CHART,
    '-n',
    NAMESPACE,
    '-f',
    join(CHART, 'ci', `${profile}-values.yaml`),
    '-f',
    CLUSTER_VALUES,
    '--set',
    'services.order.nodePort=30000',
    '--set',
    'services.user.nodePort=30001',
    ...extra,
    '--wait',
    '--timeout',
    '8m',
  );
}

/** The namespace's pods, its warning events and the node's allocated resources: what a failed wait needs. */
export async function whyNotReady(): Promise<string> {
  const part = async (title: string, f: () => Promise<string>) => {
    try {
      return `--- ${title}\n${(await f()).trim()}`;
    } catch (err) {
      return `--- ${title}: could not be read (${(err as Error).message.split('\n')[0]})`;
    }
  };
  return [
    await part('pods', () => kubectlNs('get', 'pods', '-o', 'wide')),
    await part('warning events, newest last', async () =>
      (await kubectlNs('get', 'events', '--field-selector', 'type=Warning', '--sort-by', '.lastTimestamp'))
        .split('\n')
        .slice(-25)
        .join('\n'),
    ),
    await part('the node', async () => {
      const d = await kubectl('describe', 'nodes');
      const at = d.indexOf('Allocated resources:');
      return at < 0 ? d.slice(-1500) : d.slice(at, at + 800);
    }),
  ].join('\n');
}

export interface PodSummary {
  name: string;
  app: string;
  ready: boolean;
  containers: string[];
  phase: string;
  /** Being deleted (an old pod of a rollout, a killed one): it may still be listed, and is not ready. */
  terminating: boolean;
}
export async function pods(): Promise<PodSummary[]> {
  const list = await kubeJson<{ items: any[] }>('get', 'pods');
  return list.items.map(p => ({
    name: p.metadata.name,
    app: p.metadata.labels?.['app.kubernetes.io/name'] ?? '',
    ready: (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    containers: (p.spec.containers ?? []).map((c: any) => c.name),
    phase: p.status.phase,
    terminating: Boolean(p.metadata.deletionTimestamp),
  }));
}

export interface Forward {
  url: string;
  close(): void;
}
/** `kubectl port-forward svc/<name> :<port>`: resolves with the local URL once kubectl says it forwards. */
export async function portForward(target: string, port: number): Promise<Forward> {
  const child: ChildProcess = spawn('kubectl', ['-n', NAMESPACE, 'port-forward', target, `:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', d => (out += String(d)));
  child.stderr!.on('data', d => (out += String(d)));
  const local = await waitFor(
    async () => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) return Number(m[1]);
      if (child.exitCode !== null) throw new Error(`kubectl port-forward exited: ${out}`);
      return undefined;
    },
    { timeoutMs: 30_000, what: `a port-forward to ${target}`, intervalMs: 100 },
  );
  return { url: `http://127.0.0.1:${local}`, close: () => child.kill() };
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
}
export async function http<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T } as JsonResponse<T>;
}

/** A publish to `topic` through the pod's own daprd, from inside its app container: what daprd answers. */
export async function publishFrom(pod: string, topic: string): Promise<{ status: number; body: string }> {
  const script = `fetch('http://127.0.0.1:3500/v1.0/publish/pubsub/${topic}',{method:'POST',headers:{'content-type':'application/json','dapr-api-token':process.env.DAPR_API_TOKEN},body:'{}'}).then(async r=>console.log(JSON.stringify({status:r.status,body:await r.text()})))`;
  return JSON.parse(await kubectlNs('exec', pod, '-c', 'app', '--', 'node', '-e', script));
}

/** A TCP connection from inside a pod's app container: 'open', 'blocked' (no answer within 3 s) or the error. */
export async function connectFrom(pod: string, host: string, port: number): Promise<string> {
  const script = `const s=require('net').connect({host:'${host}',port:${port},timeout:3000});s.on('connect',()=>{console.log('open');s.destroy()});s.on('timeout',()=>{console.log('blocked');s.destroy()});s.on('error',e=>console.log(e.code))`;
  return (await kubectlNs('exec', pod, '-c', 'app', '--', 'node', '-e', script)).trim();
}

export const anOrder = (customerId: string, unitPrice = 1000) => ({
  customerId,
  items: [{ sku: 'book', quantity: 1, unitPrice }],
});

/** Polls GET /orders/{id} until it has `status`; reports the last status seen. */
export async function waitForOrder(orderId: string, status: string, timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const r = await http('GET', `${ORDER_URL}/orders/${orderId}`);
      if (r.status === 200 && r.body.status === status) return r.body;
      // waitFor reports the last error it saw: the status the order had.
      throw new Error(`HTTP ${r.status}, status ${r.body?.status ?? 'none'}`);
    },
    { timeoutMs, what: `order ${orderId} to be ${status}`, intervalMs: 250 },
  );
}
