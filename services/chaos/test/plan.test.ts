// Decisions of stop, start, kill and faults, from what the controller sees of a Deployment's scale and its pods.
import {
  faultEndpoints,
  labelSelector,
  planStart,
  planStop,
  podsToKill,
  scaleBody,
  serviceLabels,
  statusOf,
  type PodView,
  type ScaleView,
} from '../src/plan';

const scale = (over: Partial<ScaleView> = {}): ScaleView => ({
  name: 'order',
  replicas: 3,
  resourceVersion: '42',
  ...over,
});

describe('planStop', () => {
  it('scales to zero and remembers the replica count', () => {
    expect(planStop(scale())).toEqual({ replicas: 0, remember: 3 });
  });

  it('does nothing when already stopped, keeping the first memory', () => {
    expect(planStop(scale({ replicas: 0 }))).toBeUndefined();
  });
});

describe('planStart', () => {
  it('restores the remembered count and forgets it', () => {
    expect(planStart(scale({ replicas: 0 }), 3, 2)).toEqual({ replicas: 3, remember: undefined });
  });

  it("falls back to the chart's declared count, then to 1 (a restarted controller remembers nothing)", () => {
    expect(planStart(scale({ replicas: 0 }), undefined, 2)?.replicas).toBe(2);
    expect(planStart(scale({ replicas: 0 }), 0, undefined)?.replicas).toBe(1);
    expect(planStart(scale({ replicas: 0 }), undefined, undefined, 4)?.replicas).toBe(4);
  });

  it('does nothing for a running service', () => {
    expect(planStart(scale(), 3, 3)).toBeUndefined();
  });

  it('round-trips: stop then start gives the original count back', () => {
    const stop = planStop(scale({ replicas: 4 }))!;
    expect(planStart(scale({ replicas: stop.replicas }), stop.remember, 2)?.replicas).toBe(4);
  });
});

describe('podsToKill', () => {
  const mine = serviceLabels('order', 'eda-lab');
  const pods = [
    { name: 'order-b', terminating: false, labels: mine },
    { name: 'order-a', terminating: false, labels: mine },
    { name: 'order-c', terminating: true, labels: mine },
    // Same name label, but not one of the chart's services (RBAC cannot tell them apart; the code does).
    { name: 'order-lookalike', terminating: false, labels: { 'app.kubernetes.io/name': 'order' } },
    { name: 'other-release', terminating: false, labels: { ...mine, 'app.kubernetes.io/instance': 'other' } },
  ];

  it("kills only the chart's own pods of the service not already terminating, in a stable order", () => {
    expect(podsToKill(pods, mine)).toEqual(['order-a', 'order-b']);
  });

  it('limits to count', () => {
    expect(podsToKill(pods, mine, 1)).toEqual(['order-a']);
    expect(podsToKill(pods, mine, 0)).toEqual([]);
  });

  it('has nothing to kill when no pod runs', () => {
    expect(podsToKill([], mine)).toEqual([]);
  });
});

describe('statusOf, labels and scaleBody', () => {
  it('calls a service running when a pod is ready', () => {
    const ready = [{ name: 'p', terminating: false, ready: true }];
    expect(statusOf(scale(), ready)).toEqual({ name: 'order', running: true, replicas: 3 });
    expect(statusOf(scale(), [{ name: 'p', terminating: false, ready: false }]).running).toBe(false);
    expect(statusOf(scale(), [{ name: 'p', terminating: true, ready: true }]).running).toBe(false);
  });

  it("selects by the chart's service labels", () => {
    expect(labelSelector(serviceLabels('order', 'r'))).toBe(
      'app.kubernetes.io/name=order,app.kubernetes.io/part-of=eda-lab,app.kubernetes.io/component=service,app.kubernetes.io/instance=r',
    );
  });

  it('writes only the replica count, guarded by the resourceVersion it decided on', () => {
    expect(scaleBody(scale(), 'ns', 0)).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'order', namespace: 'ns', resourceVersion: '42' },
      spec: { replicas: 0 },
    });
  });
});

describe('faultEndpoints', () => {
  const labels = serviceLabels('points');
  const pod = (name: string, extra: Partial<PodView>): PodView => ({
    name,
    terminating: false,
    ready: true,
    labels,
    ...extra,
  });
  it('addresses every ready pod of the service that is not being deleted, by its IP on the app port', () => {
    const pods = [
      pod('points-b', { ip: '10.244.0.12' }),
      pod('points-a', { ip: '10.244.0.11' }),
      pod('points-c', { ip: '10.244.0.13', ready: false }),
      pod('points-d', { ip: '10.244.0.14', terminating: true }),
      pod('points-e', {}),
      pod('other', { ip: '10.244.0.15', labels: serviceLabels('stats') }),
      pod('points-v6', { ip: 'fd00::7' }),
    ];
    expect(faultEndpoints(pods, 3005, labels)).toEqual([
      'http://10.244.0.11:3005',
      'http://10.244.0.12:3005',
      'http://[fd00::7]:3005',
    ]);
  });
  it('has none when no pod runs', () => {
    expect(faultEndpoints([], 3005, labels)).toEqual([]);
  });
});
