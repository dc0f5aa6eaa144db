// What the HTTP API needs from a place where services run: the cluster (kube.ts) or the local runtime.
import type { ServiceStatus } from './plan';

export interface ActionResult {
  service: string;
  action: 'stop' | 'start' | 'kill';
  /** False when there was nothing to do (stop of a stopped service, start of a running one). */
  changed: boolean;
  replicas?: number;
  /** Pods deleted by kill. */
  killed?: string[];
}

export interface ChaosBackend {
  list(): Promise<ServiceStatus[]>;
  stop(service: string): Promise<ActionResult>;
  start(service: string): Promise<ActionResult>;
  kill(service: string): Promise<ActionResult>;
  /** Base URLs of every running instance of a service, where its own /admin/faults answers (empty: none runs). */
  instances(service: string): Promise<string[]>;
  /** Readiness: the backend can see the services. */
  ready(): Promise<boolean>;
}
