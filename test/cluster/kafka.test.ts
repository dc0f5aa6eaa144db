// The kafka dev profile on the same cluster: the broker swapped by component YAML alone (the chart renders
// components/pubsub/kafka), an in-release single-node KRaft Kafka built on this machine, and the broker's
// process restarted in the middle of a burst with nothing lost.
import {
  anOrder,
  http,
  installChart,
  kubectlNs,
  helm,
  NAMESPACE,
  ORDER_URL,
  pods,
  RELEASE,
  waitFor,
  waitForOrder,
} from './kube';

beforeAll(async () => {
  // From an empty namespace: upgrading a redis release left by a failed suite in place would switch its running
  // pods' component to Kafka before any broker is scheduled (they crash-loop, and the node runs out of CPU).
  await helm('uninstall', RELEASE, '-n', NAMESPACE, '--ignore-not-found', '--wait', '--timeout', '5m');
  await waitFor(async () => ((await pods()).length === 0 ? true : undefined), {
    timeoutMs: 180_000,
    what: 'an empty namespace before the kafka profile',
  });
  await installChart('kafka');
});
afterAll(async () => {
  await helm('uninstall', RELEASE, '-n', NAMESPACE, '--wait', '--timeout', '5m');
  await waitFor(async () => ((await pods()).length === 0 ? true : undefined), {
    timeoutMs: 180_000,
    what: 'every pod of the kafka release to be gone',
  });
});

describe('helm install of the kafka dev profile', () => {
  it('renders the Kafka pub/sub component and an order reaches SHIPPED through it', async () => {
    const component = await kubectlNs('get', 'components.dapr.io', 'pubsub', '-o', 'jsonpath={.spec.type}');
    expect(component).toBe('pubsub.kafka');
    const placed = await http('POST', `${ORDER_URL}/orders`, anOrder('k8s-kafka-1'));
    expect(placed.status).toBe(202);
    await waitForOrder(placed.body.orderId, 'SHIPPED', 180_000);
  });

  it('the Kafka process restarted mid-burst: its container comes back in the same pod and every order ships', async () => {
    const [kafka] = (await pods()).filter(p => p.app === 'kafka');
    const restartsOf = async () =>
      Number(await kubectlNs('get', 'pod', kafka!.name, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'));
    const before = await restartsOf();
    const first = await Promise.all(
      Array.from({ length: 5 }, (_, i) => http('POST', `${ORDER_URL}/orders`, anOrder(`k8s-kafka-a-${i}`))),
    );
    // SIGTERM to the broker (PID 1 of its container): Kafka shuts down, the kubelet restarts the container, and
    // the log on the pod's volume survives.
    await kubectlNs('exec', kafka!.name, '-c', 'kafka', '--', 'sh', '-c', 'kill -TERM 1');
    await waitFor(async () => ((await restartsOf()) > before ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the kafka container to restart',
    });
    // Accepted while the broker is away or coming back: order answers only once OrderCreated is on the bus.
    const second = await waitFor(
      async () => {
        const r = await http('POST', `${ORDER_URL}/orders`, anOrder('k8s-kafka-b-0'));
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
