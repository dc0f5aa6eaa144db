// The demos' charts from what their load and the services recorded: latency and errors of each flow over time,
// backlog per subscriber, convergence, with the scenario's windows (a fault, a spike) shaded.
import {
  backlogChart,
  backlogSeries,
  convergenceChart,
  errorRateChart,
  errorRateSeries,
  latencyChart,
  latencySeries,
  type Chart,
  type Handling,
  type Window,
} from '@lab/charts';
import type { Sample } from './load';

/** A window from two instants (epoch ms), in seconds since t0. */
export const windowOf = (label: string, from: number, to: number, t0: number): Window => ({
  label,
  from: (from - t0) / 1000,
  to: (to - t0) / 1000,
});

/** Latency (p50, p95) and error rate of each flow per bucket of `bucketS` seconds. */
export function loadCharts(samples: Sample[], t0: number, windows: Window[], bucketS: number): Chart[] {
  const timed = samples.map(s => ({ flow: s.flow, at: s.at - t0, ms: s.ms, ok: s.ok }));
  const per = `per ${bucketS} s of request starts`;
  return [
    {
      file: 'latency.svg',
      alt: `POST /orders latency over time, p50 and p95 ${per}, per flow (every answer, failed ones too)`,
      spec: latencyChart(`POST /orders latency per flow (p50, p95 ${per})`, latencySeries(timed, bucketS), windows),
    },
    {
      file: 'errors.svg',
      alt: `share of POST /orders that failed, ${per}, per flow`,
      spec: errorRateChart(`POST /orders failed, ${per}`, errorRateSeries(timed, bucketS), windows),
    },
  ];
}

export function backlogCharts(handled: Handling[], windows: Window[], endS: number): Chart[] {
  return [
    {
      file: 'backlog.svg',
      alt: 'events published and not yet handled, per subscriber, over time',
      spec: backlogChart(
        'Backlog per subscriber (published, not yet handled)',
        backlogSeries(handled, 1, endS),
        windows,
      ),
    },
  ];
}

export function convergenceCharts(series: { label: string; ms: number[] }[]): Chart[] {
  return [
    {
      file: 'convergence.svg',
      alt: 'distribution of accepted-to-SHIPPED times (ECDF)',
      spec: convergenceChart('Convergence: share of orders SHIPPED within a time', series),
    },
  ];
}
