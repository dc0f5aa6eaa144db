// The production profile installed for real (helm/eda-lab/ci/production-values.yaml, adapted to this cluster by
// ./production-here.yaml): two replicas of every service and three of order, PDBs, no chaos controller, tokens and
// broker credentials from Secrets made outside the chart, Kafka with SCRAM-SHA-512 over TLS and Redis with a
// password (stand-ins for managed brokers in namespace `data`, ./managed.ts), and the NetworkPolicies on, enforced
// by the cluster's enforcer (kube-network-policies: offline built here, online kind's own). The broker's process is
// restarted mid-burst with nothing lost. (The kafka dev profile runs through Tilt: tilt.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readCatalog } from '@lab/runtime';
import {
  anOrder,
  CHART,
  connectFrom,
  DEV_TOKENS,
  helm,
  http,
  installChart,
  kubectl,
  kubectlNs,
  kubeJson,
  NAMESPACE,
  ORDER_URL,
  pods,
  publishFrom,
  RELEASE,
  waitFor,
  waitForOrder,
} from './kube';
import { apply, DATA_NAMESPACE, makeCredentials, managedObjects, RELEASE_SECRETS, type Credentials } from './managed';

const CATALOG = readCatalog();
const HERE = join(__dirname, 'production-here.yaml');
const values = (file: string) => parse(readFileSync(file, 'utf8'));
const BASE = values(join(CHART, 'values.yaml'));
const PROFILE = values(join(CHART, 'ci', 'production-values.yaml'));
/** Replicas of a service as the profile sets them (its entry, then the chart's entry, then the defaults). */
const replicasOf = (name: string): number =>
  PROFILE.services?.[name]?.replicas ??
  BASE.services?.[name]?.replicas ??
  PROFILE.defaults?.replicas ??
  BASE.defaults.replicas;

let creds: Credentials;

const emptyNamespace = (what: string) =>
  waitFor(async () => ((await pods()).length === 0 ? true : undefined), { timeoutMs: 240_000, what });

async function removeEverything(): Promise<void> {
  await helm('uninstall', RELEASE, '-n', NAMESPACE, '--ignore-not-found', '--wait', '--timeout', '5m');
  await kubectlNs('delete', 'secret', '--ignore-not-found', ...RELEASE_SECRETS);
  await kubectl('delete', 'namespace', DATA_NAMESPACE, '--ignore-not-found', '--wait', '--timeout=180s');
}

beforeAll(async () => {
  // From an empty namespace (a dev release left by a failed suite would hold the chart's own token Secrets).
  await removeEverything();
  await emptyNamespace('an empty namespace before the production profile');
  creds = makeCredentials();
  await apply(managedObjects(creds));
  await kubectl('-n', DATA_NAMESPACE, 'rollout', 'status', 'deploy/redis-master', '--timeout=180s');
  await kubectl('-n', DATA_NAMESPACE, 'rollout', 'status', 'statefulset/kafka', '--timeout=240s');
  await installChart('production', ['-f', HERE]);
});
afterAll(async () => {
  await removeEverything();
  await emptyNamespace('every pod of the production release to be gone');
});

describe('helm install of the production profile', () => {
  it('admits every pod of the profile in the restricted namespace, each with its sidecar and ready, with PDBs and no chaos controller', async () => {
    const all = await pods();
    for (const { name } of CATALOG) {
      const mine = all.filter(p => p.app === name && !p.terminating);
      expect({ name, count: mine.length, ready: mine.every(p => p.ready) }).toEqual({
        name,
        count: replicasOf(name),
        ready: true,
      });
      for (const p of mine)
        expect({ name, containers: [...p.containers].sort() }).toEqual({ name, containers: ['app', 'daprd'] });
    }
    expect(all.filter(p => p.app === 'chaos')).toEqual([]);
    const pdbs = (await kubeJson<{ items: any[] }>('get', 'pdb')).items.map(p => p.metadata.name).sort();
    // One PDB per service (maxUnavailable, so the one-replica console never blocks a drain).
    expect(pdbs).toEqual(CATALOG.map(s => s.name).sort());
    const events = await kubeJson<{ items: any[] }>('get', 'events', '--field-selector', 'reason=FailedCreate');
    expect(events.items.map(e => e.message)).toEqual([]);
  });

  it('the pub/sub component is Kafka with SCRAM-SHA-512 over TLS from Secrets, and an order reaches SHIPPED through it', async () => {
    const component = await kubeJson('get', 'components.dapr.io', 'pubsub');
    const meta = Object.fromEntries(component.spec.metadata.map((m: any) => [m.name, m]));
    expect(component.spec.type).toBe('pubsub.kafka');
    expect({
      authType: meta.authType.value,
      saslMechanism: meta.saslMechanism.value,
      disableTls: meta.disableTls.value,
      saslPassword: meta.saslPassword.secretKeyRef,
      caCert: meta.caCert.secretKeyRef,
    }).toEqual({
      authType: 'password',
      saslMechanism: 'SHA-512',
      disableTls: 'false',
      saslPassword: { name: 'eda-lab-kafka', key: 'password' },
      caCert: { name: 'eda-lab-kafka', key: 'ca.crt' },
    });
    const placed = await http('POST', `${ORDER_URL}/orders`, anOrder('k8s-prod-1'));
    expect(placed.status).toBe(202);
    await waitForOrder(placed.body.orderId, 'SHIPPED', 240_000);
  });

  it("the tokens are the Secrets made outside the chart: the admin token opens /admin, the dev profiles' does not", async () => {
    const mine = await http('GET', `${ORDER_URL}/admin/deliveries`, undefined, {
      authorization: `Bearer ${creds.tokens.admin}`,
    });
    expect(mine.status).toBe(200);
    const dev = await http('GET', `${ORDER_URL}/admin/deliveries`, undefined, {
      authorization: `Bearer ${DEV_TOKENS.admin}`,
    });
    expect(dev.status).toBe(401);
    expect(dev.body).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it("a sidecar refuses to publish to a topic outside its service's scope", async () => {
    const [pod] = (await pods()).filter(p => p.app === 'payment');
    const refused = await publishFrom(pod!.name, 'user-registered');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/not allowed|forbidden/i);
  });
});

describe('the managed Kafka restarted mid-burst', () => {
  it('its process restarted in the middle of a burst: the container comes back in the same pod and every order ships', async () => {
    const inData = (...args: string[]) => kubectl('-n', DATA_NAMESPACE, ...args);
    const restarts = async () =>
      Number(await inData('get', 'pod', 'kafka-0', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'));
    const before = await restarts();
    const first = await Promise.all(
      Array.from({ length: 5 }, (_, i) => http('POST', `${ORDER_URL}/orders`, anOrder(`k8s-prod-a-${i}`))),
    );
    // SIGTERM to the broker (PID 1 of its container): Kafka shuts down, the kubelet restarts the container, and its
    // log and SCRAM credentials on the pod's volume survive.
    await inData('exec', 'kafka-0', '-c', 'kafka', '--', 'sh', '-c', 'kill -TERM 1');
    await waitFor(async () => ((await restarts()) > before ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the kafka container to restart',
    });
    // Accepted while the broker is away or coming back: order answers only once OrderCreated is on the bus.
    const second = await waitFor(
      async () => {
        const r = await http('POST', `${ORDER_URL}/orders`, anOrder('k8s-prod-b-0'));
        if (r.status === 202) return r;
        throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
      },
      { timeoutMs: 180_000, what: 'an order accepted after the restart' },
    );
    const accepted = [...first, second];
    expect(accepted.map(r => r.status)).toEqual(Array(6).fill(202));
    for (const r of accepted) await waitForOrder(r.body.orderId, 'SHIPPED', 240_000);
  });
});

describe('the NetworkPolicies, enforced', () => {
  it("a service may reach another's sidecar, never its app port directly (without an enforcer both would answer)", async () => {
    const all = await pods();
    const user = all.find(p => p.app === 'user' && p.ready)!;
    const payment = await kubeJson('get', 'pod', all.find(p => p.app === 'payment' && p.ready)!.name);
    const ip: string = payment.status.podIP;
    const appPort = CATALOG.find(s => s.name === 'payment')!.port;
    // Service invocation (sidecar to sidecar, mTLS) is what the policies open between services...
    expect(await connectFrom(user.name, ip, 50002)).toBe('open');
    // ...and a direct call to another service's app port, past its sidecar, is dropped.
    expect(await connectFrom(user.name, ip, appPort)).toBe('blocked');
  });
});

describe('helm uninstall of the production profile', () => {
  // helm upgrade is exercised on the redis profile (chart.test.ts): rolling the profile's 18 pods again on a
  // 2-core node would add minutes and check nothing the redis upgrade does not.
  it('leaves no pod of the release, and the Secrets made outside the chart are still there', async () => {
    await helm('uninstall', RELEASE, '-n', NAMESPACE, '--wait', '--timeout', '5m');
    await emptyNamespace('every pod of the production release to be gone');
    const left = (await kubeJson<{ items: any[] }>('get', 'secrets')).items.map(s => s.metadata.name);
    expect(RELEASE_SECRETS.filter(name => !left.includes(name))).toEqual([]);
  });
});
