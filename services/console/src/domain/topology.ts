// The graph the console draws, from the catalog: who publishes which topic and who subscribes to it, and where
// each service (and its metrics) answers.

export interface CatalogEntry {
  name: string;
  port: number;
  public: boolean;
  publishes: string[];
  subscribes: string[];
}

/** The channel every consumer may write to; the graph shows business facts only. */
export const DEAD_LETTERS = 'dead-letters';

export interface Link {
  service: string;
  topic: string;
}

export interface Topology {
  services: string[];
  topics: string[];
  /** service -> topic */
  publishes: Link[];
  /** topic -> service */
  subscribes: Link[];
}

export function topologyOf(catalog: readonly CatalogEntry[]): Topology {
  const business = (t: string) => t !== DEAD_LETTERS;
  const publishes = catalog.flatMap(s => s.publishes.filter(business).map(topic => ({ service: s.name, topic })));
  const subscribes = catalog.flatMap(s => s.subscribes.filter(business).map(topic => ({ service: s.name, topic })));
  const topics = [...new Set(publishes.map(l => l.topic))];
  return { services: catalog.map(s => s.name), topics, publishes, subscribes };
}

export interface Target {
  name: string;
  /** The app's HTTP API. */
  url: string;
  /** Its metrics listener (docs/observability.md). */
  metricsUrl: string;
}

/** Local mode: catalog port + offset, metrics on 9190 + i + offset (i = port - 3000). In a cluster: DNS names. */
export const LOCAL_METRICS_BASE = 9190;
export const CLUSTER_METRICS_PORT = 9464;

export function targetsOf(catalog: readonly CatalogEntry[], mode: 'local' | 'cluster', offset: number): Target[] {
  return catalog.map(s =>
    mode === 'local'
      ? {
          name: s.name,
          url: `http://127.0.0.1:${s.port + offset}`,
          metricsUrl: `http://127.0.0.1:${LOCAL_METRICS_BASE + (s.port - 3000) + offset}/metrics`,
        }
      : {
          name: s.name,
          url: `http://${s.name}:${s.port}`,
          metricsUrl: `http://${s.name}:${CLUSTER_METRICS_PORT}/metrics`,
        },
  );
}
