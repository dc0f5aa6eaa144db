// The chaos backend on the Kubernetes API: the scale subresource of Deployments (AppsV1Api) and pods (CoreV1Api),
// nothing else: the chart's Role grants exactly deployments/scale get/patch/update and pods get/list/delete.
import type * as K8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { ActionResult, ChaosBackend } from './backend';
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
} from './plan';
import type { Target } from './targets';

export interface KubeBackendOptions {
  namespace: string;
  targets: readonly Target[];
  /** 'cluster' inside a pod (service account), 'default' from a kubeconfig (the CLI). */
  auth: 'cluster' | 'default';
  /** The release whose pods it may touch (app.kubernetes.io/instance); any release of eda-lab when unset. */
  instance?: string;
}

const scaleView = (name: string, s: K8s.V1Scale): ScaleView => ({
  name,
  replicas: s.spec?.replicas ?? 0,
  ...(s.metadata?.resourceVersion ? { resourceVersion: s.metadata.resourceVersion } : {}),
});

const podView = (p: K8s.V1Pod): PodView => ({
  name: p.metadata?.name ?? '',
  terminating: Boolean(p.metadata?.deletionTimestamp),
  ready: (p.status?.conditions ?? []).some(c => c.type === 'Ready' && c.status === 'True'),
  labels: p.metadata?.labels ?? {},
  ...(p.status?.podIP ? { ip: p.status.podIP } : {}),
});

/** The client library is ESM-only; this CommonJS package loads it on first use. */
export async function kubeBackend(opts: KubeBackendOptions): Promise<ChaosBackend> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (opts.auth === 'cluster') kc.loadFromCluster();
  else kc.loadFromDefault();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const { namespace } = opts;
  /** Replica counts `stop` saw, for `start` (the controller may not write them onto the Deployment). */
  const remembered = new Map<string, number>();
  const declared = (name: string) => opts.targets.find(t => t.name === name)?.replicas;
  const labelsOf = (name: string) => serviceLabels(name, opts.instance);

  const readScale = async (name: string) =>
    scaleView(name, await apps.readNamespacedDeploymentScale({ name, namespace }));
  const podsOf = async (name: string) =>
    (await core.listNamespacedPod({ namespace, labelSelector: labelSelector(labelsOf(name)) })).items.map(podView);

  const scale = async (name: string, action: 'stop' | 'start'): Promise<ActionResult> => {
    const s = await readScale(name);
    const plan = action === 'stop' ? planStop(s) : planStart(s, remembered.get(name), declared(name));
    if (!plan) return { service: name, action, changed: false, replicas: s.replicas };
    await apps.replaceNamespacedDeploymentScale({ name, namespace, body: scaleBody(s, namespace, plan.replicas) });
    if (plan.remember === undefined) remembered.delete(name);
    else remembered.set(name, plan.remember);
    return { service: name, action, changed: true, replicas: plan.replicas };
  };

  return {
    async list() {
      return Promise.all(
        opts.targets.map(async t => {
          try {
            return statusOf(await readScale(t.name), await podsOf(t.name));
          } catch {
            return { name: t.name, running: false };
          }
        }),
      );
    },
    stop: name => scale(name, 'stop'),
    start: name => scale(name, 'start'),
    async kill(name) {
      // The selector asks the API for the service's pods; the labels are checked again before any delete.
      const names = podsToKill(await podsOf(name), labelsOf(name));
      // Grace period 0: the closest a cluster gets to kill -9 (the local runtime's kill).
      await Promise.all(names.map(pod => core.deleteNamespacedPod({ name: pod, namespace, gracePeriodSeconds: 0 })));
      return { service: name, action: 'kill', changed: names.length > 0, killed: names };
    },
    async instances(name) {
      const port = opts.targets.find(t => t.name === name)?.port;
      if (port === undefined) return [];
      return faultEndpoints(await podsOf(name), port, labelsOf(name));
    },
    async ready() {
      await core.listNamespacedPod({ namespace, limit: 1 });
      return true;
    },
  };
}
