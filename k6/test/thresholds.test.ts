// The pass/fail rules and the profiles: every threshold is one k6 accepts (known metric, an aggregation its type
// has), the load scenario fails on dropped iterations, and the phases are where the scenarios expect them.
import { METRIC, METRIC_TYPES } from '../lib/metrics.ts';
import {
  burstPhaseAt,
  burstSeconds,
  burstStages,
  isolationSeconds,
  p95,
  phaseAt,
  profilesFor,
} from '../lib/profiles.ts';
import { reports } from '../lib/scenarios.ts';
import { parseRule, rules, thresholds, thresholdsOf, ACCEPT_P95_MS } from '../lib/thresholds.ts';

const all = Object.entries(rules).flatMap(([scenario, list]) => list.map(r => [scenario, r.metric, r.expr] as const));

describe('thresholds', () => {
  it.each(all)('%s: %s %s is a threshold k6 accepts', (_s, metric, expr) => {
    const t = parseRule({ metric, expr });
    expect(METRIC_TYPES[t.metric]).toBeDefined();
    expect(Number.isFinite(t.value)).toBe(true);
  });

  it('refuses what k6 would refuse at start: unknown metrics, aggregations the type lacks, bad selectors', () => {
    expect(() => parseRule({ metric: 'http_req_durations', expr: 'p(95)<1' })).toThrow('unknown metric');
    expect(() => parseRule({ metric: 'http_req_duration', expr: 'rate<0.1' })).toThrow(
      'a trend has no aggregation rate',
    );
    expect(() => parseRule({ metric: 'http_req_failed', expr: 'p(95)<1' })).toThrow('a rate has no aggregation');
    expect(() => parseRule({ metric: 'dropped_iterations', expr: 'p(95)<1' })).toThrow('a counter has no');
    expect(() => parseRule({ metric: 'checks{flow=event}', expr: 'rate==1' })).toThrow('not key:value');
    expect(() => parseRule({ metric: 'checks', expr: 'rate is 1' })).toThrow('is not <aggregation>');
    expect(parseRule({ metric: 'http_req_duration{flow:event,phase:spike}', expr: 'p(99.9) <= 12.5' })).toEqual({
      metric: 'http_req_duration',
      tags: { flow: 'event', phase: 'spike' },
      aggregation: 'p(99.9)',
      operator: '<=',
      value: 12.5,
    });
  });

  it('load fails the run when the arrival-rate executor drops an iteration', () => {
    expect(thresholds.load.dropped_iterations).toEqual(['count==0']);
    expect(thresholds.load['http_req_duration{flow:event}']).toEqual([`p(95)<${ACCEPT_P95_MS}`]);
  });

  it("k6's thresholds are the rules grouped by metric, every rule kept", () => {
    expect(
      thresholdsOf([
        { metric: 'checks', expr: 'rate>0.9', claim: '' },
        { metric: 'checks', expr: 'rate==1', claim: '' },
      ]),
    ).toEqual({ checks: ['rate>0.9', 'rate==1'] });
    for (const [name, list] of Object.entries(rules)) {
      const t = thresholds[name as keyof typeof thresholds];
      expect(Object.values(t).flat()).toHaveLength(list.length);
    }
    expect(thresholds.isolation).toEqual({
      'http_req_failed{flow:event}': ['rate<0.001'],
      [`${METRIC.eventVsBaseline}{phase:fault}`]: ['p(95)<=1.5'],
      [`${METRIC.syncFailed}{phase:healthy}`]: ['rate<0.01'],
      [`${METRIC.syncFailed}{phase:fault}`]: ['rate>=0.95'],
      [`${METRIC.syncFailed}{phase:after}`]: ['rate<0.05'],
    });
  });

  it('every scenario reports on exactly its own rules, each with a claim', () => {
    for (const [key, spec] of Object.entries(reports)) {
      expect(spec.rules).toBe(rules[key as keyof typeof rules]);
      for (const r of spec.rules) expect(r.claim.length).toBeGreaterThan(10);
    }
  });
});

describe('profiles', () => {
  const normal = profilesFor(false);
  const short = profilesFor(true);

  it('SHORT=1 keeps every scenario in well under a minute of load', () => {
    expect(short.load.seconds).toBeLessThan(60);
    expect(isolationSeconds(short.isolation)).toBeLessThan(60);
    expect(burstSeconds(short.burst)).toBeLessThan(60);
    expect(short.convergence.seconds).toBeLessThan(60);
    expect(isolationSeconds(normal.isolation)).toBe(180);
  });

  it('isolation phases: healthy, a settle window after each switch, fault, after', () => {
    const p = short.isolation; // 15 s each, 5 s settle
    expect([0, 14.9, 15, 19.9, 20, 29.9, 30, 34.9, 35, 44].map(s => phaseAt(s, p))).toEqual([
      'healthy',
      'healthy',
      'transition',
      'transition',
      'fault',
      'fault',
      'transition',
      'transition',
      'after',
      'after',
    ]);
  });

  it('burst: a 10x spike between two calm spells, the stages adding up to the burst, phases matching them', () => {
    const p = normal.burst;
    expect(p.spike / p.base).toBe(10);
    const stages = burstStages(p);
    expect(stages.reduce((s, x) => s + Number.parseInt(x.duration, 10), 0)).toBe(burstSeconds(p));
    expect(stages.map(s => s.target)).toEqual([p.base, p.spike, p.spike, p.base, p.base]);
    expect(
      [0, p.calm - 0.1, p.calm, p.calm + p.spikeFor, p.calm + p.spikeFor + 1].map(s => burstPhaseAt(s, p)),
    ).toEqual(['before', 'before', 'spike', 'spike', 'after']);
  });

  it("the baseline's p95 is the nearest rank; no samples, no p95", () => {
    expect(p95(Array.from({ length: 100 }, (_, i) => 100 - i))).toBe(95);
    expect(p95([7])).toBe(7);
    expect(p95([])).toBeUndefined();
  });
});
