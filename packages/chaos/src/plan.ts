// Decisions of the chaos controller as pure functions: what stop, start and kill change, from what they see.
/** Where `stop` remembers the replica count `start` restores: on the Deployment itself, so a restarted controller still knows. */
export const REPLICAS_ANNOTATION = 'chaos.eda-lab.dev/replicas-before-stop';

export interface DeploymentView {
  name: string;
  /** spec.replicas */
  replicas: number;
  readyReplicas: number;
  annotations: Record<string, string>;
  resourceVersion?: string;
}

export interface PodView {
  name: string;
  /** Set once Kubernetes is already deleting the pod. */
  terminating: boolean;
}

export interface ServiceStatus {
  name: string;
  running: boolean;
  replicas?: number;
}

/** A change to one Deployment: new spec.replicas and annotation edits (null removes one). */
export interface ScalePlan {
  replicas: number;
  annotations: Record<string, string | null>;
}

/** Running means at least one ready pod: what a caller waiting for "start" to take effect cares about. */
export function statusOf(d: DeploymentView): ServiceStatus {
  return { name: d.name, running: d.readyReplicas > 0, replicas: d.replicas };
}

/** Scale to zero, remembering the current count; undefined when already stopped (the first memory is kept). */
export function planStop(d: DeploymentView): ScalePlan | undefined {
  if (d.replicas === 0) return undefined;
  return { replicas: 0, annotations: { [REPLICAS_ANNOTATION]: String(d.replicas) } };
}

/**
 * Restore the remembered count (or `fallback` when nothing valid is remembered, e.g. scaled down by hand) and
 * forget it; undefined when the service already has replicas.
 */
export function planStart(d: DeploymentView, fallback = 1): ScalePlan | undefined {
  if (d.replicas > 0) return undefined;
  const remembered = Number(d.annotations[REPLICAS_ANNOTATION]);
  const replicas = Number.isInteger(remembered) && remembered > 0 ? remembered : fallback;
  return { replicas, annotations: { [REPLICAS_ANNOTATION]: null } };
}

/** Every pod of the service not already being deleted, in a stable order; `count` limits how many die. */
export function podsToKill(pods: readonly PodView[], count?: number): string[] {
  const alive = pods
    .filter(p => !p.terminating)
    .map(p => p.name)
    .sort();
  return count === undefined ? alive : alive.slice(0, Math.max(0, count));
}

/** The merge patch for a plan, guarded by resourceVersion so a concurrent change fails instead of being lost. */
export function scalePatch(d: DeploymentView, plan: ScalePlan): object {
  return {
    metadata: {
      annotations: plan.annotations,
      ...(d.resourceVersion ? { resourceVersion: d.resourceVersion } : {}),
    },
    spec: { replicas: plan.replicas },
  };
}
