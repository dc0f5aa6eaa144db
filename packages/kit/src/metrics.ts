// The process's Prometheus metrics (issue 16): one registry, the contract's names, bounded labels only.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { EventBus } from './dapr';

/** One registry per process; every series carries `service` (set by the Koa shell, see useServiceLabel). */
export const registry = new Registry();

/** Seconds, from a fast handler to a consumer minutes behind (the contract's buckets). */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export type Outcome = 'success' | 'retry' | 'dead_lettered' | 'duplicate' | 'not_addressed';
/** Why an event went to the dead-letter topic, as a class (the full reason is in the DeadLettered fact, not a label). */
export type DeadLetterReason = 'invalid' | 'permanent' | 'key' | 'exhausted';

const registers = [registry];
export const published = new Counter({
  name: 'eda_events_published_total',
  help: 'Facts this service published through its sidecar',
  labelNames: ['topic'],
  registers,
});
export const handled = new Counter({
  name: 'eda_events_handled_total',
  help: 'Deliveries answered, by outcome (success, retry, dead_lettered, duplicate, not_addressed)',
  labelNames: ['topic', 'outcome'],
  registers,
});
export const handlerDuration = new Histogram({
  name: 'eda_event_handler_duration_seconds',
  help: 'Time spent in the handler per delivery',
  labelNames: ['topic'],
  buckets: BUCKETS,
  registers,
});
export const deliveryDelay = new Histogram({
  name: 'eda_event_delivery_delay_seconds',
  help: 'Handled time minus the CloudEvent time: how far behind this consumer is',
  labelNames: ['topic'],
  buckets: BUCKETS,
  registers,
});
export const redeliveries = new Counter({
  name: 'eda_event_redeliveries_total',
  help: 'Deliveries of an event this process had already seen at least once',
  labelNames: ['topic'],
  registers,
});
export const deadLetters = new Counter({
  name: 'eda_dead_letters_total',
  help: 'Events this service sent to the dead-letter topic, by reason class (invalid, permanent, key, exhausted)',
  labelNames: ['topic', 'reason'],
  registers,
});
export const duplicatesIgnored = new Counter({
  name: 'eda_duplicates_ignored_total',
  help: 'Deliveries skipped because their effect was already applied (every state update they made changed nothing)',
  labelNames: ['topic'],
  registers,
});
export const eventsPerDelivery = new Histogram({
  name: 'eda_events_per_delivery',
  help: 'Events in one delivery from the sidecar: 1 without bulk subscribe, up to BULK_MAX_MESSAGES with it',
  labelNames: ['topic'],
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers,
});
export const httpDuration = new Histogram({
  name: 'eda_http_request_duration_seconds',
  help: 'HTTP request duration by method, matched route template (or unmatched) and status',
  labelNames: ['method', 'route', 'status'],
  buckets: BUCKETS,
  registers,
});
export const openOrdersReannounced = new Counter({
  name: 'eda_open_orders_reannounced_total',
  help: "Order's open-orders watch re-announcing a stuck order",
  registers,
});

/** The `service` label of every series; the process's one shell sets it (a test process may set it again). */
export function useServiceLabel(service: string): void {
  registry.setDefaultLabels({ service });
}

let defaultsOn = false;
/** process_* and nodejs_* metrics, once per process (only where a metrics listener serves them). */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry });
}

/** The HTTP methods a route can have; anything else is labelled `other` (a client chooses the method). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export const methodLabel = (method: string) => (METHODS.has(method) ? method : 'other');

/** The Prometheus text of every metric of this process. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

/** A bus that counts each fact it published (after the sidecar took it), per topic. */
export function countingBus(bus: EventBus): EventBus {
  return {
    async publish(contract, event, opts) {
      await bus.publish(contract, event, opts);
      published.inc({ topic: contract.topic });
    },
  };
}

/** Order's open-orders watch re-announced a stuck order (the one counter a service increments itself). */
export function countReannounced(): void {
  openOrdersReannounced.inc();
}
