// Typed builders of the reports' vega-lite specs: fixed size, fixed fonts and formats, data rounded and sorted, so a
// committed SVG changes only when the measured data does.
export type Spec = Record<string, unknown>;

/** A span of the run to shade, in seconds since the load started (the fault, a slowed link). */
export interface Window {
  from: number;
  to: number;
  label: string;
}

export interface LatencyPoint {
  flow: string;
  /** Start of the time bucket, seconds since the load started. */
  t: number;
  stat: 'p50' | 'p95';
  ms: number;
}

export interface ErrorRatePoint {
  flow: string;
  t: number;
  /** Failed share of the requests started in the bucket, 0..1. */
  rate: number;
}

export interface BacklogPoint {
  subscriber: string;
  t: number;
  /** Events published by t that this subscriber had not yet handled at t. */
  depth: number;
}

export interface ThroughputStep {
  offered: number;
  achieved: number;
  acceptanceP95: number;
  convergenceP95: number;
}

const WIDTH = 560;
const HEIGHT = 200;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG = { font: 'sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 11, titleFontSize: 12 } };
const r1 = (v: number) => Math.round(v * 10) / 10;

const top = (title: string, rest: Spec): Spec => ({
  $schema: SCHEMA,
  title,
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: CONFIG,
  ...rest,
});

/** The shaded spans, behind the series, each labelled at its top. */
function windowLayers(windows: Window[]): Spec[] {
  if (windows.length === 0) return [];
  const values = windows.map(w => ({ from: r1(w.from), to: r1(w.to), label: w.label }));
  return [
    {
      name: 'fault_window',
      data: { values },
      mark: { type: 'rect', color: '#f4b6b6', opacity: 0.45 },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, color: '#a33', fontSize: 11 },
      encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

const timeAxis = { field: 't', type: 'quantitative', title: 'time since the load started (s)', axis: { format: 'd' } };

export function latencyChart(title: string, points: LatencyPoint[], windows: Window[]): Spec {
  const values = [...points]
    .sort((a, b) => a.flow.localeCompare(b.flow) || a.stat.localeCompare(b.stat) || a.t - b.t)
    .map(p => ({ ...p, t: r1(p.t), ms: Math.max(0.1, r1(p.ms)) }));
  return top(title, {
    layer: [
      ...windowLayers(windows),
      {
        name: 'latency',
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: timeAxis,
          y: { field: 'ms', type: 'quantitative', title: 'POST /orders latency (ms, log)', scale: { type: 'log' } },
          color: { field: 'flow', type: 'nominal', title: 'flow', scale: { range: ['#1f77b4', '#d62728'] } },
          strokeDash: {
            field: 'stat',
            type: 'nominal',
            title: 'per bucket',
            sort: ['p50', 'p95'],
            // The dash legend has no colour of its own: drawn in grey, or its strokes would not show.
            legend: { symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 1.5 },
          },
          detail: { field: 'stat' },
        },
      },
    ],
  });
}

export function errorRateChart(title: string, points: ErrorRatePoint[], windows: Window[]): Spec {
  const values = [...points]
    .sort((a, b) => a.flow.localeCompare(b.flow) || a.t - b.t)
    .map(p => ({ ...p, t: r1(p.t), rate: Math.round(p.rate * 1000) / 1000 }));
  return top(title, {
    layer: [
      ...windowLayers(windows),
      {
        name: 'error_rate',
        data: { values },
        // A bucket's share holds from its start to the next bucket's.
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: timeAxis,
          y: {
            field: 'rate',
            type: 'quantitative',
            title: 'requests failed (share)',
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
          },
          color: { field: 'flow', type: 'nominal', title: 'flow', scale: { range: ['#1f77b4', '#d62728'] } },
        },
      },
    ],
  });
}

export function backlogChart(title: string, points: BacklogPoint[], windows: Window[]): Spec {
  const values = [...points]
    .sort((a, b) => a.subscriber.localeCompare(b.subscriber) || a.t - b.t)
    .map(p => ({ ...p, t: r1(p.t) }));
  return top(title, {
    layer: [
      ...windowLayers(windows),
      {
        name: 'backlog',
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: timeAxis,
          y: { field: 'depth', type: 'quantitative', title: 'events not yet handled', axis: { format: 'd' } },
          color: { field: 'subscriber', type: 'nominal', title: 'subscriber' },
        },
      },
    ],
  });
}

/** The empirical distribution (ECDF): for each convergence time, the share of orders done by then. */
export function convergenceChart(title: string, series: { label: string; ms: number[] }[]): Spec {
  const values = series.flatMap(s =>
    [...s.ms]
      .sort((a, b) => a - b)
      .map((ms, i, all) => ({ label: s.label, ms: Math.max(1, Math.round(ms)), share: (i + 1) / all.length }))
      .map(p => ({ ...p, share: Math.round(p.share * 10000) / 10000 })),
  );
  return top(title, {
    layer: [
      {
        name: 'convergence',
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'accepted to SHIPPED (ms, log)', scale: { type: 'log' } },
          y: {
            field: 'share',
            type: 'quantitative',
            title: 'orders converged (share)',
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
          },
          color: {
            field: 'label',
            type: 'nominal',
            title: 'orders',
            sort: series.map(x => x.label),
            legend: { labelLimit: 320 },
          },
        },
      },
      {
        data: { values: [{ share: 0.5 }, { share: 0.95 }] },
        mark: { type: 'rule', color: '#999', strokeDash: [2, 2] },
        encoding: { y: { field: 'share', type: 'quantitative' } },
      },
    ],
  });
}
