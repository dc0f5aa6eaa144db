// Reads services/catalog.json (the one list of services) and derives every port from it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeadLettered, forwardedDeadLetterTopic } from '@lab/contracts';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface ServiceEntry {
  name: string;
  port: number;
  public: boolean;
  description: string;
  publishes: string[];
  subscribes: string[];
}

export function readCatalog(root = REPO_ROOT): ServiceEntry[] {
  const raw = JSON.parse(readFileSync(join(root, 'services', 'catalog.json'), 'utf8')) as { services: ServiceEntry[] };
  const names = new Set<string>();
  for (const s of raw.services) {
    if (!/^[a-z][a-z0-9-]*$/.test(s.name)) throw new Error(`service name "${s.name}" must be kebab-case`);
    if (names.has(s.name)) throw new Error(`service "${s.name}" is listed twice`);
    names.add(s.name);
  }
  return raw.services;
}

/**
 * A service's topics on the bus: the catalog's, plus the dead-letter channels the catalog implies. Every subscriber's
 * sidecar forwards what keeps failing to its own `dead-letters-<name>` and publishes DeadLettered to `dead-letters`;
 * the subscriber of `dead-letters` (audit's desk) also takes every subscriber's forwarding topic. The chart's
 * topic scopes derive the same (helm/eda-lab/templates/dapr.yaml; test/k8s/dapr.test.ts holds them equal).
 */
export function busTopics(entry: ServiceEntry, catalog: readonly ServiceEntry[]) {
  const subscribers = catalog
    .filter(s => s.subscribes.length > 0)
    .map(s => s.name)
    .sort();
  const publishes =
    entry.subscribes.length > 0
      ? [...new Set([...entry.publishes, DeadLettered.topic, forwardedDeadLetterTopic(entry.name)])]
      : entry.publishes;
  const subscribes = entry.subscribes.includes(DeadLettered.topic)
    ? [...entry.subscribes, ...subscribers.map(forwardedDeadLetterTopic)]
    : entry.subscribes;
  return { publishes, subscribes };
}

export interface Ports {
  app: number;
  daprHttp: number;
  daprGrpc: number;
  daprInternalGrpc: number;
  /** daprd's own metrics. */
  metrics: number;
  /** The app's metrics listener (METRICS_PORT, GET /metrics). */
  appMetrics: number;
}

/**
 * Base ports of local mode; `offset` shifts all of them so tests can run beside a developer's system.
 * Everything stays below the kernel's ephemeral range (32768+), so an offset up to ~20000 is safe.
 */
export const BASE = {
  app: 3000,
  daprHttp: 3500,
  daprGrpc: 4500,
  daprInternalGrpc: 4600,
  metrics: 9090,
  appMetrics: 9190,
  redis: 6380,
  /** The local runtime's chaos API. */
  chaos: 3099,
};

/**
 * Replicas of one service take the ports REPLICA_STRIDE further per replica (the catalog's services use the first
 * 20), so up to MAX_REPLICAS stay below the next range (app ports below the chaos API's 3099, metrics below 9190).
 */
export const REPLICA_STRIDE = 20;
export const MAX_REPLICAS = 5;

/** The ports of one instance of a service: replica 0 is the one the catalog describes (and an override moves). */
export function portsFor(s: ServiceEntry, offset = 0, appPortOverride?: number, replica = 0): Ports {
  if (!Number.isInteger(replica) || replica < 0 || replica >= MAX_REPLICAS) {
    throw new Error(`replica ${replica} of ${s.name}: at most ${MAX_REPLICAS} replicas run locally`);
  }
  const i = s.port - BASE.app + REPLICA_STRIDE * replica;
  return {
    app: (replica === 0 ? appPortOverride : undefined) ?? s.port + REPLICA_STRIDE * replica + offset,
    daprHttp: BASE.daprHttp + i + offset,
    daprGrpc: BASE.daprGrpc + i + offset,
    daprInternalGrpc: BASE.daprInternalGrpc + i + offset,
    metrics: BASE.metrics + i + offset,
    appMetrics: BASE.appMetrics + i + offset,
  };
}

/** `ORDER_PORT`, `USER_PORT`, ...: per-service app port overrides. */
export const portEnvName = (service: string) => `${service.toUpperCase().replace(/-/g, '_')}_PORT`;
