// Rates, backlogs and delays from successive scrapes of every service's metrics (docs/observability.md):
// counters corrected for restarts, rates over a short window, and per subscriber and topic
// backlog = published (by every publisher of the topic) - handled (outcome other than retry).
import { sumBy, type Sample } from './prom-text';
import type { Topology } from './topology';

export const WINDOW_MS = 5000;
const HISTORY_MS = 30_000;

export interface Edge {
  from: string;
  to: string;
  topic: string;
  kind: 'publish' | 'deliver';
  perSecond: number;
}

export interface TopicBacklog {
  topic: string;
  backlog: number;
  /** p95 of the delivery delay over the window (a bucket's upper bound), null without deliveries. */
  delayP95Ms: number | null;
}

export interface SubscriberView {
  service: string;
  up: boolean;
  backlog: number;
  delayP95Ms: number | null;
  topics: TopicBacklog[];
}

export interface FlowView {
  services: { name: string; up: boolean; lastSeen: string | null }[];
  edges: Edge[];
  subscribers: SubscriberView[];
}

/** A counter as Prometheus' increase() sees it: a value lower than the last one means the process restarted. */
class Corrected {
  private readonly last = new Map<string, number>();
  private readonly base = new Map<string, number>();
  readonly value = new Map<string, number>();

  observe(key: string, raw: number): void {
    const last = this.last.get(key) ?? 0;
    if (raw < last) this.base.set(key, (this.base.get(key) ?? 0) + last);
    this.last.set(key, raw);
    this.value.set(key, (this.base.get(key) ?? 0) + raw);
  }

  /** A new process: every count it serves starts again from zero (what the old one counted is kept). */
  restarted(prefix: string): void {
    for (const key of this.last.keys()) {
      if (!key.startsWith(prefix)) continue;
      this.base.set(key, (this.base.get(key) ?? 0) + this.last.get(key)!);
      this.last.set(key, 0);
    }
  }
}

const k = (...parts: string[]) => parts.join('|');
const leOf = (le: string) => (le === '+Inf' ? Infinity : Number(le));

export class FlowTracker {
  private readonly totals = new Corrected();
  private readonly history: { at: number; totals: Map<string, number> }[] = [];
  private readonly seen = new Map<string, number>();
  private readonly up = new Map<string, boolean>();
  private readonly started = new Map<string, number>();

  constructor(private readonly topology: Topology) {}

  /** One scrape of `service`: its samples, or undefined when its metrics did not answer (it is down). */
  observe(service: string, samples: readonly Sample[] | undefined, at: number): void {
    this.up.set(service, samples !== undefined);
    // Down: its counts stay where they were while its topics move on, so its backlog rises.
    if (!samples) return;
    this.seen.set(service, at);
    // A restart is seen by its start time: the new process may have counted past the old one's last value already.
    const started = samples.find(x => x.name === 'process_start_time_seconds')?.value;
    const before = this.started.get(service);
    if (started !== undefined) this.started.set(service, started);
    if (started !== undefined && before !== undefined && started !== before) this.totals.restarted(`${service}|`);
    const published = sumBy(samples, 'eda_events_published_total', 'topic');
    for (const [topic, v] of published) this.totals.observe(k(service, 'pub', topic), v);
    const handled = sumBy(samples, 'eda_events_handled_total', 'topic', l => l.outcome !== 'retry');
    for (const [topic, v] of handled) this.totals.observe(k(service, 'hand', topic), v);
    for (const s of samples) {
      if (s.name !== 'eda_event_delivery_delay_seconds_bucket' || !s.labels.topic || !s.labels.le) continue;
      this.totals.observe(k(service, 'delay', s.labels.topic, s.labels.le), s.value);
    }
  }

  /** Closes a round of scrapes: the totals now become a point of the rate window. */
  tick(at: number): void {
    this.history.push({ at, totals: new Map(this.totals.value) });
    while (this.history.length > 2 && this.history[0]!.at < at - HISTORY_MS) this.history.shift();
  }

  private now(key: string): number {
    return this.totals.value.get(key) ?? 0;
  }

  /** The increase of `key` over the window, and the window's length in seconds. */
  private increase(key: string): { delta: number; seconds: number } {
    const last = this.history[this.history.length - 1];
    if (!last || this.history.length < 2) return { delta: 0, seconds: 1 };
    const from = [...this.history].reverse().find(h => h.at <= last.at - WINDOW_MS) ?? this.history[0]!;
    const seconds = Math.max((last.at - from.at) / 1000, 0.001);
    return { delta: Math.max(0, (last.totals.get(key) ?? 0) - (from.totals.get(key) ?? 0)), seconds };
  }

  private rate(key: string): number {
    const { delta, seconds } = this.increase(key);
    return Math.round((delta / seconds) * 10) / 10;
  }

  private delayP95(service: string, topic: string): number | null {
    const prefix = k(service, 'delay', topic, '');
    const buckets = [...this.totals.value.keys()]
      .filter(key => key.startsWith(prefix))
      .map(key => ({ le: leOf(key.slice(prefix.length)), delta: this.increase(key).delta }))
      .sort((a, b) => a.le - b.le);
    const total = buckets.find(b => b.le === Infinity)?.delta ?? 0;
    if (total === 0) return null;
    const finite = buckets.filter(b => Number.isFinite(b.le));
    const hit = finite.find(b => b.delta >= 0.95 * total) ?? finite[finite.length - 1];
    return hit ? Math.round(hit.le * 1000) : null;
  }

  view(): FlowView {
    const t = this.topology;
    const published = (topic: string) =>
      t.publishes.filter(l => l.topic === topic).reduce((sum, l) => sum + this.now(k(l.service, 'pub', topic)), 0);
    const edges: Edge[] = [
      ...t.publishes.map(l => ({
        from: l.service,
        to: l.topic,
        topic: l.topic,
        kind: 'publish' as const,
        perSecond: this.rate(k(l.service, 'pub', l.topic)),
      })),
      ...t.subscribes.map(l => ({
        from: l.topic,
        to: l.service,
        topic: l.topic,
        kind: 'deliver' as const,
        perSecond: this.rate(k(l.service, 'hand', l.topic)),
      })),
    ];
    const subscribers = [...new Set(t.subscribes.map(l => l.service))].map(service => {
      const topics = t.subscribes
        .filter(l => l.service === service)
        .map(l => ({
          topic: l.topic,
          backlog: Math.max(0, published(l.topic) - this.now(k(service, 'hand', l.topic))),
          delayP95Ms: this.delayP95(service, l.topic),
        }));
      const delays = topics.map(x => x.delayP95Ms).filter((d): d is number => d !== null);
      return {
        service,
        up: this.up.get(service) ?? false,
        backlog: topics.reduce((sum, x) => sum + x.backlog, 0),
        delayP95Ms: delays.length > 0 ? Math.max(...delays) : null,
        topics,
      };
    });
    const services = t.services.map(name => {
      const seen = this.seen.get(name);
      return { name, up: this.up.get(name) ?? false, lastSeen: seen ? new Date(seen).toISOString() : null };
    });
    return { services, edges, subscribers };
  }
}
