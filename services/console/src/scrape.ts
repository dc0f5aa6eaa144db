// Reads every service's metrics once per round, in parallel, each with a short deadline: a service that does not
// answer counts as down for that round.
import { parseSamples } from './domain/prom-text';
import type { FlowTracker } from './domain/flow';
import type { Target } from './domain/topology';

const PREFIXES = [
  'eda_events_published_total',
  'eda_events_handled_total',
  'eda_event_delivery_delay_seconds_bucket',
  'process_start_time_seconds',
];
export const SCRAPE_TIMEOUT_MS = 800;

export async function scrapeAll(targets: readonly Target[], flow: FlowTracker, now = Date.now): Promise<void> {
  await Promise.all(
    targets.map(async t => {
      const text = await fetch(t.metricsUrl, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) })
        .then(res => (res.ok ? res.text() : undefined))
        .catch(() => undefined);
      flow.observe(t.name, text === undefined ? undefined : parseSamples(text, PREFIXES), now());
    }),
  );
  flow.tick(now());
}
