// The chaos backend on the Kubernetes API: Deployments scaled through typed AppsV1Api calls, pods deleted through CoreV1Api.
import type * as K8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { ActionResult, ChaosBackend } from './backend';
import { planStart, planStop, podsToKill, scalePatch, statusOf, type DeploymentView } from './plan';
import type { Target } from './targets';

export interface KubeBackendOptions {
  namespace: string;
  targets: readonly Target[];
  /** 'cluster' inside a pod (service account), 'default' from a kubeconfig (the CLI). */
  auth: 'cluster' | 'default';
}

function view(d: K8s.V1Deployment): DeploymentView {
  return {
    name: d.metadata?.name ?? '',
    replicas: d.spec?.replicas ?? 0,
    readyReplicas: d.status?.readyReplicas ?? 0,
    annotations: d.metadata?.annotations ?? {},
    ...(d.metadata?.resourceVersion ? { resourceVersion: d.metadata.resourceVersion } : {}),
  };
}

/** The client library is ESM-only; this CommonJS package loads it on first use. */
export async function kubeBackend(opts: KubeBackendOptions): Promise<ChaosBackend> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (opts.auth === 'cluster') kc.loadFromCluster();
  else kc.loadFromDefault();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const { namespace } = opts;
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const selectorOf = (name: string) => `app.kubernetes.io/name=${name},app.kubernetes.io/component=service`;

  const read = async (name: string) => view(await apps.readNamespacedDeployment({ name, namespace }));
  const scale = async (name: string, action: 'stop' | 'start'): Promise<ActionResult> => {
    const d = await read(name);
    const plan = action === 'stop' ? planStop(d) : planStart(d);
    if (!plan) return { service: name, action, changed: false, replicas: d.replicas };
    await apps.patchNamespacedDeployment({ name, namespace, body: scalePatch(d, plan) }, mergePatch);
    return { service: name, action, changed: true, replicas: plan.replicas };
  };

  return {
    async list() {
      const all = await apps.listNamespacedDeployment({
        namespace,
        labelSelector: 'app.kubernetes.io/component=service',
      });
      const byName = new Map(all.items.map(d => [d.metadata?.name ?? '', view(d)]));
      return opts.targets.map(t => {
        const d = byName.get(t.name);
        return d ? statusOf(d) : { name: t.name, running: false };
      });
    },
    stop: name => scale(name, 'stop'),
    start: name => scale(name, 'start'),
    async kill(name) {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selectorOf(name) });
      const names = podsToKill(
        pods.items.map(p => ({ name: p.metadata?.name ?? '', terminating: Boolean(p.metadata?.deletionTimestamp) })),
      );
      // Grace period 0: the closest a cluster gets to kill -9 (the local runtime's kill).
      await Promise.all(names.map(pod => core.deleteNamespacedPod({ name: pod, namespace, gracePeriodSeconds: 0 })));
      return { service: name, action: 'kill', changed: names.length > 0, killed: names };
    },
    async ready() {
      await apps.listNamespacedDeployment({ namespace, limit: 1 });
      return true;
    },
  };
}
