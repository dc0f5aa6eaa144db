// Time series for the charts, computed from what a run recorded: each request's start and answer, and each event's
// publish and handling instants. Times are milliseconds since the load started; buckets are in seconds.
import { percentile } from './percentile';
import type { BacklogPoint, ErrorRatePoint, LatencyPoint } from './spec';

export interface TimedSample {
  flow: string;
  /** When the request started, ms since the load started. */
  at: number;
  ms: number;
  ok: boolean;
}

/** One event as one subscriber saw it; handledAt undefined if it never handled it. */
export interface Handling {
  subscriber: string;
  publishedAt: number;
  handledAt: number | undefined;
}

function buckets(samples: TimedSample[], bucketS: number): Map<string, Map<number, TimedSample[]>> {
  const byFlow = new Map<string, Map<number, TimedSample[]>>();
  for (const s of samples) {
    const flow = byFlow.get(s.flow) ?? new Map<number, TimedSample[]>();
    byFlow.set(s.flow, flow);
    const t = Math.floor(s.at / 1000 / bucketS) * bucketS;
    flow.set(t, [...(flow.get(t) ?? []), s]);
  }
  return byFlow;
}

/** p50 and p95 of the answered requests started in each bucket, per flow (a request with no answer has no latency). */
export function latencySeries(samples: TimedSample[], bucketS: number): LatencyPoint[] {
  const out: LatencyPoint[] = [];
  for (const [flow, byT] of buckets(samples, bucketS))
    for (const [t, ss] of byT) {
      const ms = ss.map(s => s.ms);
      out.push({ flow, t, stat: 'p50', ms: percentile(ms, 50) }, { flow, t, stat: 'p95', ms: percentile(ms, 95) });
    }
  return out;
}

export function errorRateSeries(samples: TimedSample[], bucketS: number): ErrorRatePoint[] {
  const out: ErrorRatePoint[] = [];
  for (const [flow, byT] of buckets(samples, bucketS))
    for (const [t, ss] of byT) out.push({ flow, t, rate: ss.filter(s => !s.ok).length / ss.length });
  return out;
}

/** Per subscriber, every stepS seconds up to endS: events published by then and not yet handled. */
export function backlogSeries(handlings: Handling[], stepS: number, endS: number): BacklogPoint[] {
  const out: BacklogPoint[] = [];
  const subscribers = [...new Set(handlings.map(h => h.subscriber))].sort();
  for (const subscriber of subscribers) {
    const mine = handlings.filter(h => h.subscriber === subscriber);
    for (let t = 0; t <= endS + 1e-9; t += stepS) {
      const ms = t * 1000;
      const depth = mine.filter(h => h.publishedAt <= ms && (h.handledAt === undefined || h.handledAt > ms)).length;
      out.push({ subscriber, t: Math.round(t * 10) / 10, depth });
    }
  }
  return out;
}
