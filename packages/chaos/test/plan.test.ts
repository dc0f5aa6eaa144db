// Decisions of stop, start and kill, from what the controller sees of a Deployment and its pods.
import {
  planStart,
  planStop,
  podsToKill,
  REPLICAS_ANNOTATION,
  scalePatch,
  statusOf,
  type DeploymentView,
} from '../src/plan';

const deployment = (over: Partial<DeploymentView> = {}): DeploymentView => ({
  name: 'order',
  replicas: 3,
  readyReplicas: 3,
  annotations: {},
  resourceVersion: '42',
  ...over,
});

describe('planStop', () => {
  it('scales to zero and remembers the replica count', () => {
    expect(planStop(deployment())).toEqual({ replicas: 0, annotations: { [REPLICAS_ANNOTATION]: '3' } });
  });

  it('does nothing when already stopped, keeping the first memory', () => {
    expect(planStop(deployment({ replicas: 0, annotations: { [REPLICAS_ANNOTATION]: '3' } }))).toBeUndefined();
  });
});

describe('planStart', () => {
  it('restores the remembered count and forgets it', () => {
    const stopped = deployment({ replicas: 0, readyReplicas: 0, annotations: { [REPLICAS_ANNOTATION]: '3' } });
    expect(planStart(stopped)).toEqual({ replicas: 3, annotations: { [REPLICAS_ANNOTATION]: null } });
  });

  it('falls back when nothing valid is remembered (scaled down by hand)', () => {
    expect(planStart(deployment({ replicas: 0 }))?.replicas).toBe(1);
    expect(planStart(deployment({ replicas: 0, annotations: { [REPLICAS_ANNOTATION]: 'x' } }), 2)?.replicas).toBe(2);
    expect(planStart(deployment({ replicas: 0, annotations: { [REPLICAS_ANNOTATION]: '0' } }))?.replicas).toBe(1);
  });

  it('does nothing for a running service', () => {
    expect(planStart(deployment())).toBeUndefined();
  });

  it('round-trips: stop then start gives the original count back', () => {
    const before = deployment({ replicas: 4 });
    const stop = planStop(before)!;
    const after = deployment({ replicas: stop.replicas, annotations: stop.annotations as Record<string, string> });
    expect(planStart(after)?.replicas).toBe(4);
  });
});

describe('podsToKill', () => {
  const pods = [
    { name: 'order-b', terminating: false },
    { name: 'order-a', terminating: false },
    { name: 'order-c', terminating: true },
  ];

  it('kills every pod not already terminating, in a stable order', () => {
    expect(podsToKill(pods)).toEqual(['order-a', 'order-b']);
  });

  it('limits to count', () => {
    expect(podsToKill(pods, 1)).toEqual(['order-a']);
    expect(podsToKill(pods, 0)).toEqual([]);
  });

  it('has nothing to kill when no pod runs', () => {
    expect(podsToKill([])).toEqual([]);
  });
});

describe('statusOf and scalePatch', () => {
  it('calls a service running when a pod is ready', () => {
    expect(statusOf(deployment())).toEqual({ name: 'order', running: true, replicas: 3 });
    expect(statusOf(deployment({ readyReplicas: 0 })).running).toBe(false);
  });

  it('guards the patch with the resourceVersion it decided on', () => {
    const d = deployment();
    expect(scalePatch(d, planStop(d)!)).toEqual({
      metadata: { annotations: { [REPLICAS_ANNOTATION]: '3' }, resourceVersion: '42' },
      spec: { replicas: 0 },
    });
  });
});
