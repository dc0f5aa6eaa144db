// Decisions of the chaos controller as pure functions: what stop, start and kill change, from what they see.
// The controller's Role (helm/eda-lab/templates/chaos.yaml) reaches only the scale subresource of Deployments and
// pods: it cannot rewrite a Deployment (no annotation, no pod template), and RBAC cannot select pods by label, so
// the labels of every pod it deletes are checked here, in code.

/** The scale subresource of one Deployment (autoscaling/v1 Scale), as the controller reads it. */
export interface ScaleView {
  name: string;
  /** spec.replicas */
  replicas: number;
  resourceVersion?: string;
}

export interface PodView {
  name: string;
  /** Set once Kubernetes is already deleting the pod. */
  terminating: boolean;
  /** The pod's Ready condition is True. */
  ready?: boolean;
  labels?: Record<string, string>;
  /** status.podIP, once the pod has one. */
  ip?: string;
}

export interface ServiceStatus {
  name: string;
  running: boolean;
  replicas?: number;
}

/** A new replica count, and what to remember for `start` (undefined: forget). */
export interface ScalePlan {
  replicas: number;
  remember: number | undefined;
}

/** The labels every pod of one of the chart's services carries; the controller touches no other pod. */
export function serviceLabels(name: string, instance?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'eda-lab',
    'app.kubernetes.io/component': 'service',
    ...(instance ? { 'app.kubernetes.io/instance': instance } : {}),
  };
}

export const labelSelector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** Running means at least one ready pod: what a caller waiting for "start" to take effect cares about. */
export function statusOf(scale: ScaleView, pods: readonly PodView[]): ServiceStatus {
  return { name: scale.name, running: pods.some(p => p.ready && !p.terminating), replicas: scale.replicas };
}

/** Scale to zero, remembering the current count; undefined when already stopped (the first memory is kept). */
export function planStop(s: ScaleView): ScalePlan | undefined {
  if (s.replicas === 0) return undefined;
  return { replicas: 0, remember: s.replicas };
}

const positive = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n > 0;

/**
 * Restore the remembered count, else the count the chart declared for the service, else `fallback`, and forget
 * it; undefined when the service already has replicas. The memory lives in the controller's process (it may not
 * write to a Deployment): after a restart of the controller, start restores the declared count.
 */
export function planStart(
  s: ScaleView,
  remembered: number | undefined,
  declared: number | undefined,
  fallback = 1,
): ScalePlan | undefined {
  if (s.replicas > 0) return undefined;
  const replicas = positive(remembered) ? remembered : positive(declared) ? declared : fallback;
  return { replicas, remember: undefined };
}

/** Pods of the service not already being deleted and carrying every one of `labels`, in a stable order. */
export function podsToKill(pods: readonly PodView[], labels: Record<string, string> = {}, count?: number): string[] {
  const alive = pods
    .filter(p => !p.terminating && Object.entries(labels).every(([k, v]) => p.labels?.[k] === v))
    .map(p => p.name)
    .sort();
  return count === undefined ? alive : alive.slice(0, Math.max(0, count));
}

/**
 * Where to set a service's faults: every ready pod not being deleted that carries `labels` and has an address,
 * as a base URL on `port`. Fault knobs live in each process, so a Service's virtual IP (one pod per call) is not
 * enough once a consumer runs more than one replica. IPv6 addresses are bracketed.
 */
export function faultEndpoints(pods: readonly PodView[], port: number, labels: Record<string, string> = {}): string[] {
  return pods
    .filter(p => p.ready && !p.terminating && p.ip && Object.entries(labels).every(([k, v]) => p.labels?.[k] === v))
    .map(p => (p.ip!.includes(':') ? `http://[${p.ip}]:${port}` : `http://${p.ip}:${port}`))
    .sort();
}

/** The Scale to write for a plan (update verb), guarded by resourceVersion so a concurrent change fails. */
export function scaleBody(s: ScaleView, namespace: string, replicas: number): object {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: s.name, namespace, ...(s.resourceVersion ? { resourceVersion: s.resourceVersion } : {}) },
    spec: { replicas },
  };
}
