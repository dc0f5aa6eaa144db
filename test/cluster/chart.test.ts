// The chart installed for real: a kind cluster made by `./lab cluster up` (no registry on this machine: every
// image built locally), the real Dapr control plane, the namespace enforcing the restricted Pod Security profile,
// the dev profile on Redis. Then the system's claims, in the cluster: an order ships, the chaos controller stops
// a consumer and the event flow holds while the chain fails, a killed pod is replaced and nothing is lost.
import {
  anOrder,
  answerOf,
  DEV_TOKENS,
  http,
  installChart,
  kubectl,
  kubectlNs,
  kubeJson,
  NAMESPACE,
  ORDER_URL,
  pods,
  portForward,
  publishFrom,
  RELEASE,
  helm,
  waitFor,
  waitForOrder,
  type Forward,
} from './kube';
import { readCatalog } from '@lab/runtime';
import { formatReport, verify } from '@lab/verify';

const CATALOG = readCatalog();
const SERVICES = CATALOG.map(s => s.name);
let chaos: Forward;
const chaosCall = (method: string, path: string, body?: unknown) =>
  http(method, `${chaos.url}${path}`, body, { authorization: `Bearer ${DEV_TOKENS.chaos}` });

beforeAll(async () => {
  await installChart('redis');
  chaos = await portForward('svc/chaos', 3100);
});
afterAll(async () => {
  chaos?.close();
});

describe('helm install of the redis dev profile with the real Dapr control plane', () => {
  it('has the Dapr CRDs and a namespace that enforces the restricted Pod Security profile', async () => {
    const crds = await kubectl('get', 'crd', '-o', 'name');
    for (const crd of [
      'components.dapr.io',
      'configurations.dapr.io',
      'resiliencies.dapr.io',
      'subscriptions.dapr.io',
    ]) {
      expect(crds).toContain(`customresourcedefinition.apiextensions.k8s.io/${crd}`);
    }
    const ns = JSON.parse(await kubectl('get', 'namespace', NAMESPACE, '-o', 'json'));
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('admits every pod, injects a daprd sidecar into each service, and every pod is ready', async () => {
    const all = await pods();
    for (const name of SERVICES) {
      const mine = all.filter(p => p.app === name);
      expect({ name, count: mine.length }).toEqual({ name, count: 1 });
      expect({ name, containers: [...mine[0]!.containers].sort(), ready: mine[0]!.ready }).toEqual({
        name,
        containers: ['app', 'daprd'],
        ready: true,
      });
    }
    // Nothing was refused by admission on the way (a refused pod leaves a FailedCreate event on its ReplicaSet).
    const events = await kubeJson<{ items: any[] }>('get', 'events', '--field-selector', 'reason=FailedCreate');
    expect(events.items.map(e => e.message)).toEqual([]);
  });

  it('places an order through the NodePort and it reaches SHIPPED across the sidecars', async () => {
    const placed = await http('POST', `${ORDER_URL}/orders`, anOrder('k8s-c-1'));
    expect(placed.status).toBe(202);
    const shipped = await waitForOrder(placed.body.orderId, 'SHIPPED');
    expect(shipped.history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['OrderCreated', 'PaymentCompleted', 'DeliveryStarted']),
    );
  });

  it("a sidecar refuses to publish to a topic outside its service's scope", async () => {
    // payment may publish payment-completed/-failed, never user-registered: ask its real daprd from inside its pod.
    const [pod] = (await pods()).filter(p => p.app === 'payment');
    const refused = await publishFrom(pod!.name, 'user-registered');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/not allowed|forbidden/i);
  });
});

describe("the chaos controller's RBAC, checked by the real API server", () => {
  const as = `system:serviceaccount:${NAMESPACE}:chaos`;
  const can = (...args: string[]) => answerOf('kubectl', ['auth', 'can-i', '--as', as, '-n', NAMESPACE, ...args]);

  it('may scale deployments and delete pods, and nothing else', async () => {
    expect(await can('patch', 'deployments', '--subresource=scale')).toBe('yes');
    expect(await can('delete', 'pods')).toBe('yes');
    for (const forbidden of [
      ['patch', 'deployments'],
      ['create', 'pods'],
      ['get', 'secrets'],
      ['create', 'pods/exec'],
      ['delete', 'deployments'],
    ]) {
      expect({ verb: forbidden.join(' '), answer: await can(...forbidden) }).toEqual({
        verb: forbidden.join(' '),
        answer: expect.stringMatching(/^no/),
      });
    }
  });

  it('a forbidden call made as the controller is refused', async () => {
    const err = await kubectl('--as', as, '-n', NAMESPACE, 'get', 'secret', 'eda-lab-admin-token').then(
      () => 'allowed',
      (e: Error) => e.message,
    );
    expect(err).toMatch(/Forbidden|forbidden/);
  });
});

/** `count` orders placed at once through one flow, each answer with the time it took. */
async function placeTimed(flow: 'sync' | 'event', count: number, prefix: string) {
  const path = flow === 'sync' ? '/orders?flow=sync' : '/orders';
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const t0 = performance.now();
      const r = await http('POST', `${ORDER_URL}${path}`, anOrder(`${prefix}-${i}`));
      return { ...r, ms: performance.now() - t0 };
    }),
  );
}

/** "4/5 2xx, p50 12 ms, max 30 ms": how one flow answered (a handful of samples: the max stands for the p95). */
function flowLine(answers: { status: number; ms: number }[]): string {
  const ms = answers.map(a => a.ms).sort((a, b) => a - b);
  const ok = answers.filter(a => a.status >= 200 && a.status < 300).length;
  return `${ok}/${answers.length} 2xx, p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`;
}

/** Each of the customers `<prefix>-0..count-1` has its three messages (placed, paid, shipped) from notification. */
async function waitForNotifications(prefix: string, count: number): Promise<void> {
  const inbox = await portForward('svc/notification', 3004);
  try {
    for (let i = 0; i < count; i++) {
      await waitFor(
        async () => {
          const r = await http('GET', `${inbox.url}/notifications?recipient=${prefix}-${i}`);
          if (r.status === 200 && r.body.notifications?.length === 3) return true;
          throw new Error(`HTTP ${r.status}: ${r.body?.notifications?.length ?? 0} notifications`);
        },
        { timeoutMs: 120_000, what: `the three messages for ${prefix}-${i}` },
      );
    }
  } finally {
    inbox.close();
  }
}

describe('failure isolation in the cluster', () => {
  it('with notification scaled to 0 by the chaos controller, the chain fails while the event flow accepts and converges', async () => {
    // Both flows healthy first, the same handful each, for the numbers the faulted ones are compared with.
    const healthySync = await placeTimed('sync', 3, 'k8s-healthy-sync');
    const healthyEvent = await placeTimed('event', 5, 'k8s-healthy-event');
    expect(healthySync.map(r => r.status)).toEqual([201, 201, 201]);
    expect(healthyEvent.map(r => r.status)).toEqual([202, 202, 202, 202, 202]);
    // The healthy phase ends when its effects are done. A notification pod scaled to 0 with deliveries in flight
    // leaves them pending under its consumer name, and Redis hands them to the next pod only after the component's
    // processingTimeout (320 s): slower than this suite's verifier bound, though nothing is lost.
    for (const r of healthyEvent) await waitForOrder(r.body.orderId, 'SHIPPED');
    await waitForNotifications('k8s-healthy-event', healthyEvent.length);

    const stopped = await chaosCall('POST', '/chaos/services/notification/stop');
    expect(stopped.status).toBe(200);
    await waitFor(async () => ((await pods()).some(p => p.app === 'notification') ? undefined : true), {
      timeoutMs: 120_000,
      what: 'the notification pod to be gone',
    });
    const sync = await placeTimed('sync', 3, 'k8s-sync');
    const evt = await placeTimed('event', 5, 'k8s-event');
    // Reported, not asserted: what each flow's callers saw, healthy and with notification at 0 replicas.
    process.stdout.write(
      `cluster isolation: healthy: sync ${flowLine(healthySync)}; event ${flowLine(healthyEvent)}. ` +
        `notification scaled to 0: sync ${flowLine(sync)} (answers ${sync.map(r => r.status).join(', ')}); ` +
        `event ${flowLine(evt)}\n`,
    );
    expect(sync.map(r => r.status).every(s => s >= 500)).toBe(true);
    expect(evt.map(r => r.status)).toEqual([202, 202, 202, 202, 202]);
    for (const r of evt) await waitForOrder(r.body.orderId, 'SHIPPED');

    const started = await chaosCall('POST', '/chaos/services/notification/start');
    expect(started.status).toBe(200);
    // The backlog drains: every event-flow customer gets its three messages once notification is back.
    await waitFor(async () => ((await pods()).some(p => p.app === 'notification' && p.ready) ? true : undefined), {
      timeoutMs: 180_000,
      what: 'notification to be ready again',
    });
    await waitForNotifications('k8s-event', evt.length);
  });

  it('a payment pod killed mid-burst is replaced by its ReplicaSet and every order ships', async () => {
    const before = (await pods()).filter(p => p.app === 'payment').map(p => p.name);
    const burst = Array.from({ length: 10 }, (_, i) => http('POST', `${ORDER_URL}/orders`, anOrder(`k8s-kill-${i}`)));
    const killed = await chaosCall('POST', '/chaos/services/payment/kill');
    expect(killed.status).toBe(200);
    const placed = await Promise.all(burst);
    expect(placed.map(r => r.status)).toEqual(Array(10).fill(202));
    const replaced = await waitFor(
      async () => {
        const now = (await pods()).filter(p => p.app === 'payment' && p.ready && !before.includes(p.name));
        return now.length > 0 ? now : undefined;
      },
      { timeoutMs: 180_000, what: 'a new, ready payment pod' },
    );
    expect(replaced.length).toBe(1);
    for (const r of placed) await waitForOrder(r.body.orderId, 'SHIPPED', 180_000);
  });
});

describe('the chaos controller with two replicas of a consumer', () => {
  it('sets the fault knobs on every ready pod of the service, not the one its Service picks', async () => {
    const port = CATALOG.find(s => s.name === 'points')!.port;
    const ready = () => pods().then(all => all.filter(p => p.app === 'points' && p.ready && !p.terminating));
    await kubectlNs('scale', 'deployment/points', '--replicas=2');
    try {
      const two = await waitFor(async () => ((await ready()).length === 2 ? ready() : undefined), {
        timeoutMs: 180_000,
        what: 'two ready points pods',
      });
      const set = await chaosCall('PUT', '/chaos/services/points/faults', { latencyMs: 7 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ service: 'points', instances: 2, faults: { latencyMs: 7 } });
      for (const pod of two) {
        const f = await portForward(`pod/${pod.name}`, port);
        try {
          const seen = await http('GET', `${f.url}/admin/faults`, undefined, {
            authorization: `Bearer ${DEV_TOKENS.admin}`,
          });
          expect({ pod: pod.name, status: seen.status, latencyMs: seen.body?.latencyMs }).toEqual({
            pod: pod.name,
            status: 200,
            latencyMs: 7,
          });
        } finally {
          f.close();
        }
      }
      expect((await chaosCall('PUT', '/chaos/services/points/faults', {})).body.instances).toBe(2);
    } finally {
      await kubectlNs('scale', 'deployment/points', '--replicas=1');
      // The verifier below reads each service through one port-forward: one pod of points again.
      await waitFor(async () => ((await pods()).filter(p => p.app === 'points').length === 1 ? true : undefined), {
        timeoutMs: 180_000,
        what: 'points back to one pod',
      });
    }
  }, 420_000);
});

describe('the verifier in the cluster', () => {
  it("finds every order the suite placed SHIPPED, each effect once, amounts right, stats complete; and prints the chain's p50/p95", async () => {
    const adminAuth = { authorization: `Bearer ${DEV_TOKENS.admin}` };
    // Every order placed in this cluster today, from order's own index (through the NodePort).
    const listed = await http(
      'GET',
      `${ORDER_URL}/admin/orders?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
      undefined,
      adminAuth,
    );
    expect(listed.status).toBe(200);
    const orderIds = listed.body.orderIds as string[];
    // 1 + 3 + 5 + 5 + 10 placed above (sync-flow refusals are not orders)
    expect(orderIds.length).toBeGreaterThanOrEqual(24);
    const forwards: Forward[] = [];
    try {
      const urls: Record<string, string> = {};
      for (const s of CATALOG) {
        const f = await portForward(`svc/${s.name}`, s.port);
        forwards.push(f);
        urls[s.name] = f.url;
      }
      const report = await verify({ urls, adminToken: DEV_TOKENS.admin }, { orderIds, boundMs: 180_000 });
      process.stdout.write(formatReport('cluster', report) + '\n');
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, orders: { lost: 0 }, duplicatedEffects: 0 });
      // The chain's latency by the facts' own times (one node, one clock): reported, not asserted.
      const spans: number[] = [];
      for (const id of orderIds) {
        const o = (await http('GET', `${ORDER_URL}/orders/${id}`)).body;
        const at = (e: string) => Date.parse(o.history.find((h: { event: string }) => h.event === e)?.at ?? '');
        const ms = at('DeliveryStarted') - at('OrderCreated');
        if (Number.isFinite(ms)) spans.push(ms);
      }
      spans.sort((a, b) => a - b);
      const q = (p: number) => spans[Math.min(spans.length - 1, Math.floor(p * spans.length))];
      process.stdout.write(
        `cluster: OrderCreated -> DeliveryStarted over ${spans.length} shipped orders: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms ` +
          '(includes the orders held while notification was down and payment was killed)\n',
      );
    } finally {
      for (const f of forwards) f.close();
    }
  }, 300_000);
});

/** A stats summary entry's (node, pod or container) memory working set in MB; NaN when the kubelet gave none. */
const mbOf = (entry: any) => (entry?.memory?.workingSetBytes ?? NaN) / 1_048_576;

describe('memory in the cluster', () => {
  it("reports each service's app and daprd as the kubelet measures them (working set, from the node's stats summary)", async () => {
    const [node] = (await kubeJson<{ items: any[] }>('get', 'nodes')).items.map(n => n.metadata.name as string);
    const summary = JSON.parse(await kubectl('get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`));
    // The whole cluster (one node) and its share per namespace: the system, the Dapr control plane, Kubernetes.
    const byNamespace = new Map<string, number>();
    for (const p of summary.pods as any[])
      byNamespace.set(p.podRef.namespace, (byNamespace.get(p.podRef.namespace) ?? 0) + mbOf(p));
    process.stdout.write(
      `cluster: node working set ${mbOf(summary.node).toFixed(0)} MB; pods per namespace (MB): ` +
        [...byNamespace].map(([ns, v]) => `${ns} ${v.toFixed(0)}`).join(', ') +
        '\n',
    );
    expect(mbOf(summary.node)).toBeGreaterThan(0);
    const appOf = new Map((await pods()).map(p => [p.name, p.app]));
    const rows = SERVICES.map(service => {
      const pod = (summary.pods as any[]).find(
        p => p.podRef.namespace === NAMESPACE && appOf.get(p.podRef.name) === service,
      );
      const of = (name: string) => mbOf(pod?.containers?.find((c: any) => c.name === name));
      return { service, app: of('app'), daprd: of('daprd') };
    });
    // Reported, not asserted: what a pod of each costs here after the suite's traffic. Every one is measured.
    process.stdout.write(
      'cluster: memory working set (MB) per service, app + daprd: ' +
        rows.map(r => `${r.service} ${r.app.toFixed(0)} + ${r.daprd.toFixed(0)}`).join(', ') +
        '\n',
    );
    expect(rows.filter(r => !(r.app > 0 && r.daprd > 0))).toEqual([]);
  });
});

describe('helm upgrade and uninstall', () => {
  it('an upgrade keeps every pod ready, and uninstall leaves no pod of the release', async () => {
    await installChart('redis', ['--set', 'defaults.logLevel=info']);
    // helm --wait returns once each rollout is done; the old pods may still be terminating then.
    const settled = await waitFor(
      async () => {
        const now = (await pods()).filter(p => SERVICES.includes(p.app));
        return now.every(p => p.ready && !p.terminating) ? now : undefined;
      },
      { timeoutMs: 180_000, what: 'the old pods of the rollout to be gone and every new one ready' },
    );
    expect([...new Set(settled.map(p => p.app))].sort()).toEqual([...SERVICES].sort());
    const level = await kubectlNs(
      'get',
      'deploy',
      'order',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="LOG_LEVEL")].value}',
    );
    expect(level.trim()).toBe('info');
    chaos.close();
    await helm('uninstall', RELEASE, '-n', NAMESPACE, '--wait', '--timeout', '5m');
    await waitFor(async () => ((await pods()).length === 0 ? true : undefined), {
      timeoutMs: 180_000,
      what: 'every pod of the release to be gone',
    });
  });
});
