// Each chart builder gives a spec vega-lite's own JSON schema accepts, and its SVG (rendered by vega in Node) holds
// the marks, the axis titles, the series and the shaded window of the data it was given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { REPO_ROOT } from '@lab/runtime';
import {
  backlogChart,
  backlogSeries,
  convergenceChart,
  errorRateChart,
  errorRateSeries,
  latencyChart,
  latencySeries,
  renderSvgs,
  throughputChart,
  type Spec,
  type TimedSample,
} from '../src';

const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'node_modules', 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, format: false }).compile(schema);

// 20 s of two flows at 2 requests/s; the sync flow fails from 8 s to 14 s (the window), the event flow never.
const samples: TimedSample[] = Array.from({ length: 40 }, (_, i) => i * 500).flatMap(at => {
  const down = at >= 8000 && at < 14000;
  return [
    { flow: 'sync', at, ms: down ? 40 : 150 + (at % 7), ok: !down },
    { flow: 'event', at, ms: 12 + (at % 3), ok: true },
  ];
});
const windows = [{ from: 8, to: 14, label: 'notification down' }];
const handlings = Array.from({ length: 20 }, (_, i) => ({
  subscriber: i % 2 ? 'notification' : 'order',
  publishedAt: i * 1000,
  handledAt: i % 2 && i >= 8 && i < 14 ? 15_000 : i * 1000 + 20,
}));

const charts: Record<string, { spec: Spec; expect: string[] }> = {
  latency: {
    spec: latencyChart('Latency', latencySeries(samples, 1), windows),
    expect: ['latency_marks', 'fault_window_marks', 'POST /orders latency (ms, log)', 'notification down', 'sync'],
  },
  errors: {
    spec: errorRateChart('Errors', errorRateSeries(samples, 1), windows),
    expect: ['error_rate_marks', 'fault_window_marks', 'requests failed (share)', 'event'],
  },
  backlog: {
    spec: backlogChart('Backlog', backlogSeries(handlings, 1, 20), windows),
    expect: ['backlog_marks', 'fault_window_marks', 'events not yet handled', 'notification'],
  },
  convergence: {
    spec: convergenceChart('Convergence', [{ label: 'event orders', ms: [20, 35, 60, 80, 900, 4000] }]),
    expect: ['convergence_marks', 'accepted to SHIPPED (ms, log)', 'event orders'],
  },
  throughput: {
    spec: throughputChart(
      'Throughput',
      [10, 20, 40, 80].map(offered => ({
        offered,
        achieved: Math.min(offered, 45),
        acceptanceP95: offered > 40 ? 300 : 20,
        convergenceP95: offered > 40 ? 5000 : 90,
      })),
      40,
    ),
    expect: ['achieved_marks', 'knee_marks', 'knee 40/s', 'shipped per second', 'convergence p95'],
  },
};

describe('chart builders', () => {
  let svgs: Record<string, string>;
  beforeAll(async () => {
    const names = Object.keys(charts);
    const out = await renderSvgs(names.map(n => charts[n]!.spec));
    svgs = Object.fromEntries(names.map((n, i) => [n, out[i]!]));
  }, 60_000);

  it.each(Object.keys(charts))('%s: a valid vega-lite spec', name => {
    expect(validate(charts[name]!.spec) ? [] : validate.errors).toEqual([]);
  });

  it.each(Object.keys(charts))('%s: the SVG holds its marks, axis titles and series', name => {
    const svg = svgs[name]!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(charts[name]!.expect.filter(s => !svg.includes(s))).toEqual([]);
  });

  it('the same data renders to the same bytes', async () => {
    const [again] = await renderSvgs([charts.latency!.spec]);
    expect(again).toBe(svgs.latency);
  });

  it('a chart without a window has no shaded span', async () => {
    const [svg] = await renderSvgs([latencyChart('Latency', latencySeries(samples, 1), [])]);
    expect(svg).not.toContain('fault_window_marks');
  });
});

describe('series', () => {
  it('error rate per bucket follows the failures', () => {
    const sync = errorRateSeries(samples, 2).filter(p => p.flow === 'sync');
    expect(sync.filter(p => p.rate === 1).map(p => p.t)).toEqual([8, 10, 12]);
    expect(sync.filter(p => p.rate === 0).length).toBe(7);
  });

  it('backlog counts events published and not yet handled, per subscriber', () => {
    const at = (sub: string, t: number) => backlogSeries(handlings, 1, 20).find(p => p.subscriber === sub && p.t === t);
    expect(at('notification', 13)?.depth).toBe(3); // 9, 11, 13 wait for 15 s
    expect(at('notification', 16)?.depth).toBe(0);
    expect(at('order', 13)?.depth).toBe(0);
  });
});
